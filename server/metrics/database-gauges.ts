import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "@/db";
import { INSTANCE_APPLICATION_NAME } from "@/db/open-postgres";
import { rowsOf } from "@/db/results";
import { getEnv } from "../env";
import { metrics } from "./registry";

/**
 * Reads the gauges that live in the database — pending approvals, the outbox queue, this
 * instance's connections — right before a scrape. A handful of indexed queries; the approval and
 * queue figures are the whole installation's, the same on every instance (use max(), not sum()).
 */
export async function refreshDatabaseGauges(handle: DatabaseHandle): Promise<void> {
  const m = metrics();
  const { db } = handle;
  const [pending] = rowsOf<{ count: number; oldest_seconds: number | null }>(
    await db.execute(sql`
      select count(*)::int as count, extract(epoch from now() - min(created_at))::float8 as oldest_seconds
      from tool_calls where status = 'pending_approval'`),
  );
  m.pendingApprovals.set(pending?.count ?? 0);
  m.oldestPendingApprovalAge.set(Math.max(0, pending?.oldest_seconds ?? 0));

  const jobs = rowsOf<{ kind: string; status: string; count: number }>(
    await db.execute(sql`
      select kind, status::text as status, count(*)::int as count from jobs
      where status in ('pending', 'running', 'dead') group by kind, status`),
  );
  m.outboxJobs.reset();
  for (const row of jobs) m.outboxJobs.set({ kind: row.kind, status: row.status }, row.count);
  const [due] = rowsOf<{ oldest_seconds: number | null }>(
    await db.execute(sql`
      select extract(epoch from now() - min(run_at))::float8 as oldest_seconds from jobs where status = 'pending' and run_at <= now()`),
  );
  m.outboxOldestDueAge.set(Math.max(0, due?.oldest_seconds ?? 0));

  m.databaseConnections.reset();
  if (handle.driver === "pglite") {
    m.databasePoolSize.set(1);
    return;
  }
  m.databasePoolSize.set(getEnv().DATABASE_POOL_SIZE);
  // The connection running this query counts as active: it is in use for the scrape.
  const connections = rowsOf<{ state: string; count: number }>(
    await db.execute(sql`
      select case when state = 'active' then 'active' else 'idle' end as state, count(*)::int as count
      from pg_stat_activity where application_name = ${INSTANCE_APPLICATION_NAME} group by 1`),
  );
  for (const state of ["active", "idle"]) {
    m.databaseConnections.set({ state }, connections.find((row) => row.state === state)?.count ?? 0);
  }
}
