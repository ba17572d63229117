import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { auditEvents, auditSeals } from "@/db/schema";
import { rowsOf } from "@/db/results";
import { setupTestDatabase, testDriver } from "@/test/database";
import { createWorkspace } from "@/test/fixtures";
import { workspaceChainKey } from "./chain";
import { exportAuditJsonLines } from "./export";
import { recordAudit } from "./record";
import { sealAuditEvents } from "./seal";
import { verifyAuditChains } from "./verify";

const database = setupTestDatabase();
const KEY = randomBytes(32);

/** Edits the database as its owner can: with the append-only triggers switched off for one statement. */
async function asDatabaseOwner(db: Database, table: "audit_events" | "audit_seals", statement: ReturnType<typeof sql>) {
  await db.transaction(async (tx) => {
    await tx.execute(sql.raw(`alter table ${table} disable trigger user`));
    await tx.execute(statement);
    await tx.execute(sql.raw(`alter table ${table} enable trigger user`));
  });
}

async function workspaceWithEvents(db: Database, count: number, at?: (index: number) => Date) {
  const workspace = await createWorkspace(db);
  for (let index = 1; index <= count; index++) {
    const entry = {
      workspaceId: workspace.id,
      actorType: "system" as const,
      action: "workspace.settings_changed" as const,
      data: { index, nested: { b: [1, "two", null], a: true } },
    };
    if (at) await db.insert(auditEvents).values({ ...entry, at: at(index) });
    else await recordAudit(db, entry);
  }
  const events = await db.select().from(auditEvents).where(eq(auditEvents.workspaceId, workspace.id)).orderBy(auditEvents.at);
  return { workspace, events };
}

/**
 * Seals until none of the workspace's events is left: on PostgreSQL the sealer waits for every
 * older transaction on the server (other test files' too) to finish first.
 */
async function sealEverything(db: Database, ...workspaceIds: string[]): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    await sealAuditEvents(db, KEY);
    const [row] = rowsOf<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from audit_events e
        where e.workspace_id in ${workspaceIds} and not exists (select 1 from audit_seals s where s.event_id = e.id)`),
    );
    if (row!.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("events stayed unsealed for 30 s: a transaction elsewhere on this server is held open");
}

async function verify(db: Database, workspaceId: string, key = KEY) {
  const [report] = await verifyAuditChains(db, { workspaceId, auditKey: key });
  return report!;
}

async function exportLines(db: Database, workspaceId: string, range: { from?: Date; to?: Date } = {}) {
  const lines: string[] = [];
  for await (const line of exportAuditJsonLines(db, { workspaceId, ...range })) lines.push(line);
  return lines;
}

function verifyOffline(lines: string[], keyHex: string): { status: number | null; output: string } {
  const file = join(mkdtempSync(join(tmpdir(), "toolgate-audit-")), "export.jsonl");
  writeFileSync(file, lines.join(""));
  const result = spawnSync(process.execPath, ["scripts/verify-audit-export.mjs", file, keyHex], { encoding: "utf8" });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe("the audit chain", () => {
  it("seals each workspace's events after commit as links 1, 2, 3… that verify with the key", async () => {
    const { db } = database();
    const one = await workspaceWithEvents(db, 4);
    const two = await workspaceWithEvents(db, 2);
    await sealEverything(db, one.workspace.id, two.workspace.id);
    // Idempotent: nothing is sealed twice.
    expect(await sealAuditEvents(db, KEY)).toBe(0);
    const seals = await db.select().from(auditSeals).where(eq(auditSeals.workspaceId, one.workspace.id)).orderBy(auditSeals.seq);
    expect(seals.map((seal) => seal.seq)).toEqual([1, 2, 3, 4]);
    expect(seals.map((seal) => seal.eventId)).toEqual(one.events.map((event) => event.id));
    expect((await verify(db, one.workspace.id)).firstBroken).toBeNull();
    expect(await verify(db, two.workspace.id)).toMatchObject({ checked: 2, firstBroken: null, unsealed: { count: 0 } });
    // Someone without the key cannot produce these links.
    expect((await verify(db, one.workspace.id, randomBytes(32))).firstBroken).toMatchObject({ seq: 1, reason: "altered" });
  });

  it("fails verification at exactly the row its owner edited behind the trigger's back", async () => {
    const { db } = database();
    const { workspace, events } = await workspaceWithEvents(db, 5);
    await sealEverything(db, workspace.id);
    const target = events[2]!;
    await asDatabaseOwner(db, "audit_events", sql`update audit_events set data = '{"index": 99}'::jsonb where id = ${target.id}`);
    const report = await verify(db, workspace.id);
    expect(report.firstBroken).toMatchObject({ seq: 3, eventId: target.id, reason: "altered" });
    expect(report.checked).toBe(2);
    console.log(`verify-audit after the edit: ${report.firstBroken!.message}`);
  });

  it("notices a deleted event, a removed seal and a forged seal", async () => {
    const { db } = database();
    const deleted = await workspaceWithEvents(db, 3);
    const unsealed = await workspaceWithEvents(db, 3);
    const forged = await workspaceWithEvents(db, 2);
    await sealEverything(db, deleted.workspace.id, unsealed.workspace.id, forged.workspace.id);
    await asDatabaseOwner(db, "audit_events", sql`delete from audit_events where id = ${deleted.events[1]!.id}`);
    expect((await verify(db, deleted.workspace.id)).firstBroken).toMatchObject({ seq: 2, reason: "event_missing" });

    await asDatabaseOwner(db, "audit_seals", sql`delete from audit_seals where event_id = ${unsealed.events[0]!.id}`);
    expect((await verify(db, unsealed.workspace.id)).firstBroken).toMatchObject({ seq: 1, reason: "missing_link" });

    // An event slipped in with a made-up seal: the link cannot be right without the key.
    await db.insert(auditEvents).values({ workspaceId: forged.workspace.id, actorType: "system", action: "test.forged" });
    const [event] = await db.select().from(auditEvents).where(eq(auditEvents.action, "test.forged"));
    await db.insert(auditSeals).values({ eventId: event!.id, workspaceId: forged.workspace.id, seq: 3, link: "f".repeat(64) });
    expect((await verify(db, forged.workspace.id)).firstBroken).toMatchObject({ seq: 3, eventId: event!.id, reason: "altered" });
  });

  it("reports committed events left unsealed for over a minute", async () => {
    const { db } = database();
    const workspace = await createWorkspace(db);
    await db.insert(auditEvents).values({
      workspaceId: workspace.id,
      actorType: "system",
      action: "test.old",
      at: new Date(Date.now() - 5 * 60_000),
    });
    const report = await verify(db, workspace.id);
    expect(report.unsealed.count).toBe(1);
    await sealEverything(db, workspace.id);
    expect((await verify(db, workspace.id)).unsealed.count).toBe(0);
  });

  it("exports JSON Lines that the README's offline script verifies, and refuses an edited line", async () => {
    const { db } = database();
    // A second apart, so the time range below is exact (a Date holds milliseconds, the database microseconds).
    const base = Date.now() - 30_000;
    const { workspace } = await workspaceWithEvents(db, 6, (index) => new Date(base + index * 1_000));
    await sealEverything(db, workspace.id);
    const keyHex = workspaceChainKey(KEY, workspace.id).toString("hex");
    const lines = await exportLines(db, workspace.id);
    expect(lines).toHaveLength(6);
    expect(JSON.parse(lines[0]!)).toMatchObject({ seq: 1, prev: "0".repeat(64), event: { workspaceId: workspace.id } });
    const good = verifyOffline(lines, keyHex);
    expect(good.output).toMatch(/^OK: 6 events, links 1–6/);
    expect(good.status).toBe(0);

    // A time range exports a contiguous run of links that verifies on its own.
    const events = lines.map((line) => JSON.parse(line) as { event: { at: string } });
    const middle = await exportLines(db, workspace.id, { from: new Date(events[2]!.event.at), to: new Date(events[4]!.event.at) });
    expect(middle.map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual([3, 4]);
    expect(verifyOffline(middle, keyHex).output).toMatch(/^OK: 2 events, links 3–4/);

    const edited = [...lines];
    edited[3] = edited[3]!.replace('"index":4', '"index":40');
    const bad = verifyOffline(edited, keyHex);
    expect(bad.status).toBe(1);
    expect(bad.output).toMatch(/^BROKEN at link 4 /);
    const dropped = lines.filter((_, index) => index !== 2);
    expect(verifyOffline(dropped, keyHex).output).toMatch(/^BROKEN at link 4 .*does not follow/);
  });

  it("README holds the offline verification script exactly as shipped", () => {
    const script = readFileSync("scripts/verify-audit-export.mjs", "utf8").trim();
    expect(readFileSync("README.md", "utf8")).toContain(script);
  });

  it("two sealers at once never give two events one link", async () => {
    const { db } = database();
    const { workspace } = await workspaceWithEvents(db, 30);
    await Promise.all([sealAuditEvents(db, KEY), sealAuditEvents(db, KEY), sealAuditEvents(db, KEY)]);
    await sealEverything(db, workspace.id);
    const report = await verify(db, workspace.id);
    expect(report).toMatchObject({ checked: 30, firstBroken: null, unsealed: { count: 0 } });
  });

  if (testDriver() === "postgres") {
    it("seals a transaction that commits late after the events before it, never before them (PostgreSQL)", async () => {
      const handle = database();
      const { db } = handle;
      const workspace = await createWorkspace(db);
      const other = postgres(handle.url!, { max: 1, onnotice: () => {} });
      try {
        // A transaction writes its event and stays open; a later one commits meanwhile.
        let inserted!: () => void;
        const insertedSlow = new Promise<void>((resolve) => (inserted = resolve));
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        const slow = other.begin(async (tx) => {
          await tx`insert into audit_events (id, workspace_id, actor_type, action) values ('evt_slow', ${workspace.id}, 'system', 'test.slow')`;
          inserted();
          await released;
        });
        await insertedSlow;
        await recordAudit(db, { workspaceId: workspace.id, actorType: "system", action: "workspace.settings_changed" });
        await sealAuditEvents(db, KEY);
        // The fast event waits: the slow transaction is older and still open.
        expect(await db.select().from(auditSeals).where(eq(auditSeals.workspaceId, workspace.id))).toHaveLength(0);
        release();
        await slow;
        await sealEverything(db, workspace.id);
        const seals = await db.select().from(auditSeals).where(eq(auditSeals.workspaceId, workspace.id)).orderBy(auditSeals.seq);
        expect(seals.map((seal) => seal.eventId)[0]).toBe("evt_slow");
        expect((await verify(db, workspace.id)).firstBroken).toBeNull();
      } finally {
        await other.end();
      }
    });

    it("npm run admin -- verify-audit names the broken link and exits 1 (PostgreSQL)", async () => {
      const handle = database();
      const { db } = handle;
      const { workspace, events } = await workspaceWithEvents(db, 3);
      const env = { ...process.env, DATABASE_URL: handle.url!, AUTH_SECRET: "s".repeat(32), TOOLGATE_ENCRYPTION_KEY: "a".repeat(64) };
      const keyHex = KEY.toString("hex");
      await sealEverything(db, workspace.id);
      const run = (args: string[]) =>
        spawnSync(process.execPath, ["--import", "tsx", "scripts/admin.ts", ...args], {
          encoding: "utf8",
          env: { ...env, TOOLGATE_AUDIT_KEY: keyHex },
        });
      const intact = run(["verify-audit", "--workspace", workspace.slug]);
      expect(intact.stdout).toContain(`workspace ${workspace.slug}: intact: 3 links verified.`);
      expect(intact.status).toBe(0);
      await asDatabaseOwner(db, "audit_events", sql`update audit_events set action = 'test.rewritten' where id = ${events[1]!.id}`);
      const broken = run(["verify-audit", "--workspace", workspace.slug]);
      expect(broken.stdout).toContain(`BROKEN at link 2 (event ${events[1]!.id})`);
      expect(broken.status).toBe(1);
      const exported = run(["export-audit", "--workspace", workspace.slug]);
      expect(exported.stdout.trim().split("\n")).toHaveLength(3);
      const key = execFileSync(process.execPath, ["--import", "tsx", "scripts/admin.ts", "audit-key", "--workspace", workspace.slug], {
        encoding: "utf8",
        env: { ...env, TOOLGATE_AUDIT_KEY: keyHex },
      }).trim();
      expect(key).toBe(workspaceChainKey(KEY, workspace.id).toString("hex"));
    }, 180_000); // four CLI processes, each starting tsx
  }
});
