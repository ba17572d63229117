// `npm run bench:overview`: the Overview's queries on 1,000,000 recorded calls (PostgreSQL).
// Creates a scratch database on DATABASE_URL's server (dropped afterwards), records 1,000,000 calls
// over 90 days for one workspace (10 clients, 40 tools, every outcome; a third through approval),
// rolls the settled days up, and times getOverview() for 7, 30 and 90 days, with and without a
// client filter. Prints the figures; the target is under 300 ms. OVERVIEW_BENCH_CALLS changes the count.
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { migrateDatabase } from "../db/migrate";
import { openPostgres } from "../db/open-postgres";
import { withDatabase } from "../test/template";
import { getOverview, type OverviewRange } from "../server/overview/overview";
import { rollUpCallStats } from "../server/overview/rollup";
import type { SessionUser } from "../server/auth/session-user";

const CALLS = Number(process.env.OVERVIEW_BENCH_CALLS ?? 1_000_000);
const RUNS = 9;
const base = process.env.DATABASE_URL;
if (!base) {
  console.error("bench:overview: DATABASE_URL must point at PostgreSQL (a scratch database is created there and dropped).");
  process.exit(1);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const name = `toolgate_overview_bench_${randomBytes(4).toString("hex")}`;
const admin = postgres(base, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${name}"`);
const url = withDatabase(base, name);
const handle = openPostgres(url, { max: 4 });
try {
  await migrateDatabase(handle, { url });
  const seed = postgres(url, { max: 1, onnotice: () => {} });
  const started = performance.now();
  await seed.unsafe(`
    insert into workspaces (id, slug, name, time_zone) values ('ws_bench', 'bench', 'Bench MSP', 'Europe/Berlin');
    insert into users (id, workspace_id, email, name, role) values ('usr_bench', 'ws_bench', 'bench@msp.test', 'Bench', 'admin');
    insert into agents (id, workspace_id, name) values ('agt_bench', 'ws_bench', 'Bench agent');
    insert into clients (id, workspace_id, slug, name) select 'cli_' || g, 'ws_bench', 'client-' || g, 'Client ' || g from generate_series(0, 9) g;
    insert into tool_calls (id, workspace_id, agent_id, agent_key_prefix, client_id, integration_slug, tool_name, arguments_digest, status,
      decision_reason, created_at, expires_at)
    select 'call_' || g, 'ws_bench', 'agt_bench', 'tg_bench', case when g % 11 = 0 then null else 'cli_' || (g % 10) end, 'dir-' || (g % 10),
      'tool_' || (g % 40), 'digest',
      (array['succeeded','succeeded','succeeded','rejected','failed','denied','expired','cancelled','succeeded','succeeded'])[1 + g % 10]::call_status,
      'bench', now() - (g::float8 / ${CALLS}) * interval '90 days',
      case when g % 3 = 0 then now() - (g::float8 / ${CALLS}) * interval '90 days' + interval '1 day' else null end
    from generate_series(1, ${CALLS}) g;`);
  await seed.unsafe(`
    insert into approval_requests (id, workspace_id, call_id, kind, status, arguments_digest, created_at, decided_at, expires_at)
    select 'apr_' || c.id, c.workspace_id, c.id, 'technician', case when c.status = 'denied' then 'denied' else 'approved' end::approval_status,
      'digest', c.created_at, c.created_at + (60 + (hashtext(c.id) & 1023)) * interval '1 second', c.expires_at
    from tool_calls c where c.expires_at is not null and c.status in ('succeeded', 'denied', 'failed');
    analyze;`);
  await seed.end();
  console.log(
    `recorded ${CALLS.toLocaleString("en")} calls (and their approvals) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const ctx = {
    db: handle.db,
    user: { id: "usr_bench", sessionId: "", workspaceId: "ws_bench", email: "bench@msp.test", name: "Bench", role: "admin" } as SessionUser,
  };
  const time = async (days: OverviewRange, client?: string) => {
    const started = performance.now();
    const overview = await getOverview(ctx, { days, client });
    return { ms: performance.now() - started, calls: overview.days.reduce((sum, day) => sum + day.total, 0) };
  };

  const cold = await time(90);
  console.log(
    `before any rollup (every day read from the calls): 90 days ${cold.ms.toFixed(0)} ms for ${cold.calls.toLocaleString("en")} calls`,
  );
  const rollupStarted = performance.now();
  let days = 0;
  for (let rolled = -1; rolled !== 0; days += rolled) rolled = await rollUpCallStats(handle.db);
  console.log(`rolled up ${days} days in ${((performance.now() - rollupStarted) / 1000).toFixed(1)} s`);

  const results: Record<string, number> = {};
  for (const [label, range, client] of [
    ["7 days", 7, undefined],
    ["30 days", 30, undefined],
    ["90 days", 90, undefined],
    ["90 days, one client", 90, "cli_3"],
    ["90 days, MSP-wide", 90, "msp"],
  ] as const) {
    await time(range, client);
    const samples: number[] = [];
    let calls = 0;
    for (let run = 0; run < RUNS; run++) {
      const result = await time(range, client);
      samples.push(result.ms);
      calls = result.calls;
    }
    results[label] = median(samples);
    console.log(
      `${label.padEnd(22)} median ${median(samples).toFixed(1)} ms, max ${Math.max(...samples).toFixed(1)} ms (${calls.toLocaleString("en")} calls)`,
    );
  }
  const worst = Math.max(...Object.values(results));
  console.log(`worst median ${worst.toFixed(1)} ms — target < 300 ms: ${worst < 300 ? "met" : "NOT met"}`);
} finally {
  await handle.close();
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
}
