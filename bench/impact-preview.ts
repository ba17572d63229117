// `npm run bench` (after bench/run.ts), or alone: `tsx bench/impact-preview.ts`. Times the impact
// preview of a policy draft (server/policy/impact-preview.ts) over 20,000 stored calls of one
// integration — the same function the detail page's panel calls, on the database directly (no
// HTTP: the figure is the preview's own cost). On PostgreSQL when DATABASE_URL is set (a scratch
// database is created on that server and dropped afterwards), else on the embedded database in a
// temporary directory. Goal: under 500 ms on PostgreSQL. Writes bench/results-impact.json.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { migrateDatabase } from "../db/migrate";
import { openPglite } from "../db/open-pglite";
import { openPostgres } from "../db/open-postgres";
import type { DatabaseHandle } from "../db/types";
import { seedImpactWorld } from "../server/bench/seed-impact-calls";
import { IMPACT_DEFAULT_LIMIT, previewPolicyImpact, type PolicyDraft } from "../server/policy/impact-preview";

const CALLS = Number(process.env.BENCH_IMPACT_CALLS ?? IMPACT_DEFAULT_LIMIT);
const RUNS = Number(process.env.BENCH_IMPACT_RUNS ?? 10);

function log(message: string) {
  process.stderr.write(`bench impact: ${message}\n`);
}

async function open(): Promise<{ handle: DatabaseHandle; driver: string; cleanup: () => Promise<void> }> {
  const admin = process.env.DATABASE_URL;
  if (admin) {
    const name = `toolgate_impact_${randomBytes(4).toString("hex")}`;
    const sql = postgres(admin, { max: 1, onnotice: () => {} });
    await sql.unsafe(`create database "${name}"`);
    const url = new URL(admin);
    url.pathname = `/${name}`;
    const handle = openPostgres(url.toString(), { max: 4 });
    await migrateDatabase(handle, { url: url.toString() });
    return {
      handle,
      driver: "postgres",
      cleanup: async () => {
        await handle.close();
        await sql.unsafe(`drop database if exists "${name}" with (force)`);
        await sql.end();
      },
    };
  }
  const dataDir = mkdtempSync(join(tmpdir(), "toolgate-impact-"));
  const handle = await openPglite({ dataDir });
  await migrateDatabase(handle);
  return {
    handle,
    driver: "pglite",
    cleanup: async () => {
      await handle.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function main() {
  const { handle, driver, cleanup } = await open();
  try {
    log(`seeding ${CALLS.toLocaleString("en")} calls on ${driver}…`);
    const world = await seedImpactWorld(handle.db, { calls: CALLS });
    // The draft flips a quarter of the tools, as an admin reviewing a batch of policies would.
    const draft: PolicyDraft = new Map(
      world.tools
        .filter((_, index) => index % 4 === 0)
        .map((tool) => [tool.id, { policy: tool.policy === "auto" ? "approval_needed" : "auto", managerApproval: false }] as const),
    );
    const preview = () => previewPolicyImpact(handle.db, world.workspaceId, world.integrationId, draft, { days: 7 });
    const first = await preview();
    if (first.evaluated !== Math.min(CALLS, IMPACT_DEFAULT_LIMIT))
      throw new Error(`expected ${CALLS} evaluated calls, got ${first.evaluated}`);
    const samples: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      await preview();
      samples.push(performance.now() - started);
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const p50 = sorted[Math.floor(sorted.length / 2)]!;
    const max = sorted.at(-1)!;
    const output = {
      date: new Date().toISOString(),
      driver,
      calls: first.evaluated,
      sampled: first.sampled,
      changed: first.changed,
      runs: RUNS,
      p50Ms: p50,
      maxMs: max,
      goalMs: 500,
    };
    writeFileSync(join(process.cwd(), "bench", "results-impact.json"), JSON.stringify(output, null, 2) + "\n");
    console.log(
      `\nImpact preview (${driver}): ${first.evaluated.toLocaleString("en")} calls decided again with a draft of ${draft.size} tools — ` +
        `p50 ${p50.toFixed(0)} ms, max ${max.toFixed(0)} ms over ${RUNS} runs (goal < 500 ms on PostgreSQL); ${first.changed.toLocaleString("en")} calls would change`,
    );
  } finally {
    await cleanup();
  }
}

await main();
