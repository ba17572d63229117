import { sql } from "drizzle-orm";
import type { Database } from "@/db";
import { rowsOf } from "@/db/results";
import { OUTCOME_SQL, UNFINISHED_STATUSES_SQL } from "./outcome-sql";

/** Days the Overview shows at most, and how many days one pass rolls up per workspace. */
export const OVERVIEW_MAX_DAYS = 90;
const DAYS_PER_PASS = 31;
const ROLLUP_LOCK_KEY = 72_410_018;

/**
 * Rolls up, per workspace and in its time zone, the days that are over (by five minutes, so a
 * transaction open across midnight has committed) and settled (no call of the day still waiting or
 * running): calls per client, tool and outcome, and approval-wait percentiles per client and in
 * all. A settled day's figures never change, so each day is rolled up once. Runs on a timer on
 * every instance; one at a time (an advisory lock), and idempotent besides. Returns the days rolled up.
 */
export async function rollUpCallStats(db: Database): Promise<number> {
  return db.transaction(async (tx) => {
    const [lock] = rowsOf<{ locked: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(${ROLLUP_LOCK_KEY}) as locked`));
    if (!lock?.locked) return 0;
    const workspaceRows = rowsOf<{ id: string; time_zone: string }>(await tx.execute(sql`select id, time_zone from workspaces`));
    let rolled = 0;
    for (const { id: workspaceId, time_zone: zone } of workspaceRows) {
      // Rollups of a time zone the workspace no longer uses are never read again.
      await tx.execute(sql`delete from call_stats_days where workspace_id = ${workspaceId} and time_zone <> ${zone}`);
      await tx.execute(sql`delete from call_stats_daily where workspace_id = ${workspaceId} and time_zone <> ${zone}`);
      await tx.execute(sql`delete from approval_wait_daily where workspace_id = ${workspaceId} and time_zone <> ${zone}`);
      const days = rowsOf<{ day: string }>(
        await tx.execute(sql`
          select d::date::text as day
          from generate_series((((now() - interval '5 minutes') at time zone ${zone})::date - ${OVERVIEW_MAX_DAYS}::int)::timestamp,
                               (((now() - interval '5 minutes') at time zone ${zone})::date - 1)::timestamp, interval '1 day') d
          where not exists (select 1 from call_stats_days r where r.workspace_id = ${workspaceId} and r.time_zone = ${zone} and r.day = d::date)
            and not exists (select 1 from tool_calls c where c.status in ${UNFINISHED_STATUSES_SQL} and c.workspace_id = ${workspaceId}
                            and (c.created_at at time zone ${zone})::date = d::date)
          order by d desc limit ${DAYS_PER_PASS}`),
      )
        .map((row) => row.day)
        .reverse();
      if (days.length === 0) continue;
      const list = sql`array[${sql.join(
        days.map((day) => sql`${day}`),
        sql`, `,
      )}]::date[]`;
      const first = days[0]!;
      const last = days.at(-1)!;
      const window = sql`c.workspace_id = ${workspaceId}
        and c.created_at >= (${first}::date)::timestamp at time zone ${zone}
        and c.created_at < (${last}::date + 1)::timestamp at time zone ${zone}
        and (c.created_at at time zone ${zone})::date = any(${list})`;
      await tx.execute(sql`
        insert into call_stats_daily (workspace_id, time_zone, day, client_key, integration_slug, tool_name, outcome, calls)
        select ${workspaceId}, ${zone}, (c.created_at at time zone ${zone})::date, coalesce(c.client_id, ''), c.integration_slug, c.tool_name,
          ${OUTCOME_SQL}, count(*)::int
        from tool_calls c where ${window}
        group by 3, 4, 5, 6, 7
        on conflict do nothing`);
      await tx.execute(sql`
        insert into approval_wait_daily (workspace_id, time_zone, day, client_key, decided, p50_seconds, p90_seconds)
        select ${workspaceId}, ${zone}, day, coalesce(client_key, '*'), count(*)::int,
          percentile_cont(0.5) within group (order by wait), percentile_cont(0.9) within group (order by wait)
        from (
          select (c.created_at at time zone ${zone})::date as day, coalesce(c.client_id, '') as client_key,
            extract(epoch from a.decided_at - a.created_at)::float8 as wait
          from approval_requests a join tool_calls c on c.id = a.call_id
          where ${window} and a.workspace_id = ${workspaceId} and a.status in ('approved', 'denied') and a.decided_at is not null
        ) waits
        group by grouping sets ((day, client_key), (day))
        on conflict do nothing`);
      await tx.execute(sql`
        insert into call_stats_days (workspace_id, time_zone, day)
        select ${workspaceId}, ${zone}, unnest(${list}) on conflict do nothing`);
      rolled += days.length;
    }
    return rolled;
  });
}
