import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { agents, approvalRequests, callStatsDays, clients, toolCalls, workspaces, type CallStatus } from "@/db/schema";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace, uniqueSuffix } from "@/test/fixtures";
import { createCaller } from "@/server/api/root";
import { getOverview } from "./overview";
import { rollUpCallStats } from "./rollup";

const database = setupTestDatabase();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The calendar day of an instant in a time zone, as the workspace sees it. */
/** Rolls up until nothing is left (one pass takes at most a month per workspace). */
async function rollUpAll(db: Database): Promise<number> {
  let total = 0;
  for (let pass = 0; pass < 10; pass++) {
    const rolled = await rollUpCallStats(db);
    if (rolled === 0) break;
    total += rolled;
  }
  return total;
}

const localDay = (at: Date, zone: string) => new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(at);

async function world(db: Database, timeZone: string) {
  const workspace = await createWorkspace(db);
  await db.update(workspaces).set({ timeZone }).where(eq(workspaces.id, workspace.id));
  const admin = await createUser(db, workspace.id, { role: "admin" });
  const [agent] = await db.insert(agents).values({ workspaceId: workspace.id, name: "Agent" }).returning();
  const [client] = await db
    .insert(clients)
    .values({ workspaceId: workspace.id, slug: `c-${uniqueSuffix()}`, name: "Contoso" })
    .returning();
  async function call(options: {
    at: Date;
    status: CallStatus;
    tool?: string;
    client?: string | null;
    approval?: boolean;
    waitSeconds?: number;
  }) {
    const [row] = await db
      .insert(toolCalls)
      .values({
        workspaceId: workspace.id,
        agentId: agent!.id,
        agentKeyPrefix: "tg_x",
        clientId: options.client === undefined ? client!.id : options.client,
        integrationSlug: "directory",
        toolName: options.tool ?? "get_user",
        argumentsDigest: "d",
        status: options.status,
        decisionReason: "test",
        createdAt: options.at,
        expiresAt: options.approval ? new Date(options.at.getTime() + DAY) : null,
      })
      .returning();
    if (options.waitSeconds !== undefined) {
      await db.insert(approvalRequests).values({
        workspaceId: workspace.id,
        callId: row!.id,
        kind: "technician",
        status: options.status === "denied" ? "denied" : "approved",
        argumentsDigest: "d",
        createdAt: options.at,
        decidedAt: new Date(options.at.getTime() + options.waitSeconds * 1000),
        expiresAt: new Date(options.at.getTime() + DAY),
      });
    }
    return row!;
  }
  return { workspace, ctx: { db, user: admin }, client: client!, call };
}

describe("the Overview", () => {
  it("counts calls per workspace day by outcome, with approval waits, top tools, clients and pending — the same before and after the rollup", async () => {
    const { db } = database();
    const zone = "Pacific/Kiritimati"; // UTC+14: most instants fall on another calendar day than in UTC
    const { ctx, client, call } = await world(db, zone);
    const threeDaysAgo = new Date(Date.now() - 3 * DAY);
    await call({ at: threeDaysAgo, status: "succeeded" });
    await call({ at: threeDaysAgo, status: "succeeded" });
    await call({ at: threeDaysAgo, status: "succeeded", tool: "reset_password", approval: true, waitSeconds: 60 });
    await call({ at: threeDaysAgo, status: "succeeded", tool: "reset_password", approval: true, waitSeconds: 120 });
    await call({ at: threeDaysAgo, status: "denied", tool: "reset_password", approval: true, waitSeconds: 180 });
    await call({ at: threeDaysAgo, status: "rejected", tool: "delete_user" });
    await call({ at: threeDaysAgo, status: "failed", client: null, tool: "post_message" });
    await call({ at: new Date(Date.now() - 10 * DAY), status: "expired", tool: "reset_password", approval: true });
    await call({ at: new Date(Date.now() - 2 * HOUR), status: "pending_approval", tool: "reset_password", approval: true });
    await call({ at: new Date(Date.now() - 1 * HOUR), status: "pending_approval", tool: "reset_password", approval: true });
    // Another workspace's calls never show.
    const other = await world(db, "UTC");
    await other.call({ at: threeDaysAgo, status: "succeeded" });

    const live = await getOverview(ctx, { days: 7 });
    expect(live.days).toHaveLength(7);
    expect(live.days.at(-1)!.day).toBe(localDay(new Date(), zone));
    const day = live.days.find((entry) => entry.day === localDay(threeDaysAgo, zone))!;
    expect(day).toMatchObject({ auto: 2, approved: 2, denied: 1, refused: 1, failed: 1, expired: 0, total: 7 });
    expect(live.days.reduce((sum, entry) => sum + entry.total, 0)).toBe(7); // the expired call is 10 days old
    const waits = live.waits.find((entry) => entry.day === localDay(threeDaysAgo, zone))!;
    expect(waits).toMatchObject({ decided: 3, p50Seconds: 120 });
    expect(waits.p90Seconds).toBeCloseTo(168);
    expect(live.topByCalls[0]).toEqual({ integration: "directory", tool: "reset_password", calls: 3, denials: 1 });
    expect(live.topByDenials.map((tool) => tool.tool).sort()).toEqual(["delete_user", "reset_password"]);
    expect(live.clients).toEqual([
      expect.objectContaining({ clientId: client.id, calls: 6 }),
      expect.objectContaining({ clientId: "", calls: 1, failed: 1 }),
    ]);
    expect(live.pending.count).toBe(2);
    expect(Date.now() - live.pending.oldestCreatedAt!.getTime()).toBeGreaterThanOrEqual(2 * HOUR - 1000);

    const month = await getOverview(ctx, { days: 30 });
    expect(month.days.reduce((sum, entry) => sum + entry.expired, 0)).toBe(1);

    // The MSP filter narrows the charts, not the per-client breakdown.
    const msp = await getOverview(ctx, { days: 7, client: "msp" });
    expect(msp.days.reduce((sum, entry) => sum + entry.total, 0)).toBe(1);
    expect(msp.pending.count).toBe(0);
    expect(msp.clients).toHaveLength(2);
    const byClient = await getOverview(ctx, { days: 7, client: client.id });
    expect(byClient.days.reduce((sum, entry) => sum + entry.total, 0)).toBe(6);
    expect(byClient.waits.find((entry) => entry.day === localDay(threeDaysAgo, zone))!.p50Seconds).toBe(120);

    // Rolled up, the settled days read from the rollups and the figures do not change.
    expect(await rollUpAll(db)).toBeGreaterThan(0);
    const rolledDays = await db.select().from(callStatsDays).where(eq(callStatsDays.workspaceId, ctx.user.workspaceId));
    expect(rolledDays.map((row) => row.day)).toContain(localDay(threeDaysAgo, zone));
    expect(rolledDays.map((row) => row.day)).not.toContain(localDay(new Date(), zone));
    expect(await getOverview(ctx, { days: 7 })).toEqual(live);
    expect(await getOverview(ctx, { days: 30 })).toEqual(month);
    expect(await getOverview(ctx, { days: 7, client: client.id })).toEqual(byClient);
    expect(await getOverview(ctx, { days: 7, client: "msp" })).toEqual(msp);
    // A second pass has nothing left to do.
    expect(await rollUpCallStats(db)).toBe(0);
  });

  it("leaves a day with a call still waiting out of the rollup until it settles", async () => {
    const { db } = database();
    const { ctx, call } = await world(db, "UTC");
    const fiveDaysAgo = new Date(Date.now() - 5 * DAY);
    const waiting = await call({ at: fiveDaysAgo, status: "pending_approval", tool: "reset_password", approval: true });
    await call({ at: fiveDaysAgo, status: "succeeded" });
    await rollUpAll(db);
    const days = async () =>
      (await db.select().from(callStatsDays).where(eq(callStatsDays.workspaceId, ctx.user.workspaceId))).map((row) => row.day);
    expect(await days()).not.toContain(localDay(fiveDaysAgo, "UTC"));
    await db.update(toolCalls).set({ status: "denied" }).where(eq(toolCalls.id, waiting.id));
    await rollUpAll(db);
    expect(await days()).toContain(localDay(fiveDaysAgo, "UTC"));
    const overview = await getOverview(ctx, { days: 7 });
    expect(overview.days.find((entry) => entry.day === localDay(fiveDaysAgo, "UTC"))).toMatchObject({ auto: 1, denied: 1, total: 2 });
  });

  it("keeps a time zone setting only when it names a real IANA zone; technicians cannot change it", async () => {
    const { db } = database();
    const { ctx, workspace } = await world(db, "UTC");
    const caller = createCaller(ctx);
    await caller.settings.update({ timeZone: "Asia/Kolkata" });
    expect((await caller.settings.get()).timeZone).toBe("Asia/Kolkata");
    await expect(caller.settings.update({ timeZone: "Mars/Olympus_Mons" })).rejects.toThrow(/Choose a time zone from the list/);
    const technician = await createUser(db, workspace.id, { role: "technician" });
    await expect(createCaller({ db, user: technician }).settings.update({ timeZone: "UTC" })).rejects.toThrow(/Only admins/);
    expect((await caller.overview.get({ days: 7 })).timeZone).toBe("Asia/Kolkata");
  });

  it("moves calls to the workspace's new days when its time zone changes", async () => {
    const { db } = database();
    const { ctx, call, workspace } = await world(db, "UTC");
    // 23:30 UTC two days ago is already the next day in Berlin (UTC+1 or +2).
    const at = new Date(Date.now() - 2 * DAY);
    at.setUTCHours(23, 30, 0, 0);
    await call({ at, status: "succeeded" });
    await rollUpAll(db);
    const inUtc = await getOverview(ctx, { days: 7 });
    expect(inUtc.days.find((entry) => entry.total > 0)!.day).toBe(localDay(at, "UTC"));
    await db.update(workspaces).set({ timeZone: "Europe/Berlin" }).where(eq(workspaces.id, workspace.id));
    const inBerlin = await getOverview(ctx, { days: 7 });
    expect(inBerlin.timeZone).toBe("Europe/Berlin");
    expect(inBerlin.days.find((entry) => entry.total > 0)!.day).toBe(localDay(at, "Europe/Berlin"));
    await rollUpAll(db);
    expect(await getOverview(ctx, { days: 7 })).toEqual(inBerlin);
  });
});
