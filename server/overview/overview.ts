import { eq, sql } from "drizzle-orm";
import { rowsOf } from "@/db/results";
import { workspaces } from "@/db/schema";
import type { UserContext } from "../context";
import { OUTCOME_SQL } from "./outcome-sql";
import { CALL_OUTCOMES, type CallOutcome } from "./outcomes";

export const OVERVIEW_RANGES = [7, 30, 90] as const;
export type OverviewRange = (typeof OVERVIEW_RANGES)[number];

export type OverviewInput = {
  days: OverviewRange;
  /** A client id, "msp" for the MSP-wide integrations, or undefined for everything. */
  client?: string;
};

export type DayCounts = { day: string; total: number } & Record<CallOutcome, number>;
export type ToolCount = { integration: string; tool: string; calls: number; denials: number };

export type Overview = {
  timeZone: string;
  days: DayCounts[];
  waits: Array<{ day: string; p50Seconds: number | null; p90Seconds: number | null; decided: number }>;
  topByCalls: ToolCount[];
  topByDenials: ToolCount[];
  /** Every client's calls in the range (unfiltered), "" for the MSP-wide integrations. */
  clients: Array<{ clientId: string; calls: number } & Record<CallOutcome, number>>;
  pending: { count: number; oldestCreatedAt: Date | null };
};

type StatsJson = {
  days: Array<{ day: string; outcome: CallOutcome; calls: number }> | null;
  tools: Array<{ integration: string; tool: string; calls: number; denials: number }> | null;
  clients: Array<{ client_key: string; outcome: CallOutcome; calls: number }> | null;
};

function emptyCounts(): Record<CallOutcome, number> {
  return Object.fromEntries(CALL_OUTCOMES.map((outcome) => [outcome, 0])) as Record<CallOutcome, number>;
}

/**
 * The Overview's figures for the workspace's last `days` days (its own days, in its time zone),
 * read from the daily rollups for settled days and from the calls themselves for the others — in
 * one statement each, so a day rolled up meanwhile is never counted twice. Scoped to the user's
 * workspace; the client filter narrows everything but the per-client breakdown.
 */
export async function getOverview({ db, user }: UserContext, input: OverviewInput): Promise<Overview> {
  const [workspace] = await db.select({ timeZone: workspaces.timeZone }).from(workspaces).where(eq(workspaces.id, user.workspaceId));
  const zone = workspace?.timeZone ?? "UTC";
  const ws = user.workspaceId;
  const client = input.client === undefined ? null : input.client === "msp" ? "" : input.client;
  return db.transaction(
    async (tx) => {
      // One snapshot for every read: a day rolled up meanwhile is read from the rollup or from the calls, never both.
      const [meta] = rowsOf<{ today: string; first: string; rolled: string[] | null }>(
        await tx.execute(sql`
          with bounds as (select (now() at time zone ${zone})::date as today, (now() at time zone ${zone})::date - ${input.days - 1}::int as first)
          select b.today::text as today, b.first::text as first,
            (select array_agg(r.day::text order by r.day) from call_stats_days r
             where r.workspace_id = ${ws} and r.time_zone = ${zone} and r.day between b.first and b.today) as rolled
          from bounds b`),
      );
      const today = meta!.today;
      const first = meta!.first;
      const rolled = new Set(meta!.rolled ?? []);
      const dayList: string[] = [];
      for (let offset = input.days - 1; offset >= 0; offset--) {
        const date = new Date(`${today}T00:00:00Z`);
        date.setUTCDate(date.getUTCDate() - offset);
        dayList.push(date.toISOString().slice(0, 10));
      }
      const liveDays = dayList.filter((day) => !rolled.has(day));
      const rolledList = sql`array[${sql.join(
        [...rolled].map((day) => sql`${day}`),
        sql`, `,
      )}]::date[]`;
      // The calls of the days not rolled up: an index range from the first of them, those rolled up left out.
      const liveCalls = liveDays.length
        ? sql`c.workspace_id = ${ws} and c.created_at >= ((${liveDays[0]!}::date)::timestamp at time zone ${zone})
            and (c.created_at at time zone ${zone})::date <> all(${rolledList})`
        : sql`false`;
      const liveApprovals = liveDays.length
        ? sql`a.workspace_id = ${ws} and a.created_at >= ((${liveDays[0]!}::date)::timestamp at time zone ${zone})
            and (a.created_at at time zone ${zone})::date <> all(${rolledList})`
        : sql`false`;

      const [stats] = rowsOf<{ stats: StatsJson }>(
        await tx.execute(sql`
          with stats as (
            select s.day, s.client_key, s.integration_slug, s.tool_name, s.outcome, s.calls
            from call_stats_daily s
            where s.workspace_id = ${ws} and s.time_zone = ${zone} and s.day between ${first}::date and ${today}::date
            union all
            select (c.created_at at time zone ${zone})::date, coalesce(c.client_id, ''), c.integration_slug, c.tool_name, ${OUTCOME_SQL}, count(*)::int
            from tool_calls c
            where ${liveCalls} and c.status <> 'pending_approval'
            group by 1, 2, 3, 4, 5
          ),
          filtered as (select * from stats where ${client}::text is null or client_key = ${client}::text)
          select json_build_object(
            'days', (select json_agg(x) from (select day::text as day, outcome, sum(calls)::int as calls from filtered group by 1, 2) x),
            'tools', (select json_agg(x) from (
              select integration_slug as integration, tool_name as tool, sum(calls)::int as calls,
                coalesce(sum(calls) filter (where outcome in ('denied', 'refused')), 0)::int as denials
              from filtered group by 1, 2) x),
            'clients', (select json_agg(x) from (select client_key, outcome, sum(calls)::int as calls from stats group by 1, 2) x)
          ) as stats`),
      );

      const waitRows = rowsOf<{ day: string; p50: number | null; p90: number | null; decided: number }>(
        await tx.execute(sql`
          select w.day::text as day, w.p50_seconds as p50, w.p90_seconds as p90, w.decided
          from approval_wait_daily w
          where w.workspace_id = ${ws} and w.time_zone = ${zone} and w.day between ${first}::date and ${today}::date
            and w.client_key = coalesce(${client}::text, '*')
          union all
          select day::text, percentile_cont(0.5) within group (order by wait), percentile_cont(0.9) within group (order by wait), count(*)::int
          from (
            select (a.created_at at time zone ${zone})::date as day, extract(epoch from a.decided_at - a.created_at)::float8 as wait
            from approval_requests a join tool_calls c on c.id = a.call_id
            where ${liveApprovals} and a.status in ('approved', 'denied') and a.decided_at is not null
              and (${client}::text is null or coalesce(c.client_id, '') = ${client}::text)
          ) waits group by day`),
      );

      const [pending] = rowsOf<{ count: number; oldest_ms: number | null }>(
        await tx.execute(sql`
          select count(*)::int as count, (extract(epoch from min(created_at)) * 1000)::float8 as oldest_ms from tool_calls
          where status = 'pending_approval' and workspace_id = ${ws} and (${client}::text is null or coalesce(client_id, '') = ${client}::text)`),
      );
      return assemble(zone, dayList, stats?.stats, waitRows, pending);
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}

function assemble(
  zone: string,
  dayList: string[],
  stats: StatsJson | undefined,
  waitRows: Array<{ day: string; p50: number | null; p90: number | null; decided: number }>,
  pending: { count: number; oldest_ms: number | null } | undefined,
): Overview {
  const byDay = new Map(dayList.map((day) => [day, { day, total: 0, ...emptyCounts() } as DayCounts]));
  for (const row of stats?.days ?? []) {
    const entry = byDay.get(row.day);
    if (!entry) continue;
    entry[row.outcome] += row.calls;
    entry.total += row.calls;
  }
  const waits = new Map(waitRows.map((row) => [row.day, row]));
  const tools = stats?.tools ?? [];
  const clientTotals = new Map<string, { clientId: string; calls: number } & Record<CallOutcome, number>>();
  for (const row of stats?.clients ?? []) {
    const entry = clientTotals.get(row.client_key) ?? { clientId: row.client_key, calls: 0, ...emptyCounts() };
    entry[row.outcome] += row.calls;
    entry.calls += row.calls;
    clientTotals.set(row.client_key, entry);
  }
  const top = (key: "calls" | "denials") =>
    [...tools]
      .filter((tool) => tool[key] > 0)
      .sort((a, b) => b[key] - a[key] || a.tool.localeCompare(b.tool))
      .slice(0, 8);
  return {
    timeZone: zone,
    days: [...byDay.values()],
    waits: dayList.map((day) => {
      const row = waits.get(day);
      return { day, p50Seconds: row?.p50 ?? null, p90Seconds: row?.p90 ?? null, decided: row?.decided ?? 0 };
    }),
    topByCalls: top("calls"),
    topByDenials: top("denials"),
    clients: [...clientTotals.values()].sort((a, b) => b.calls - a.calls),
    pending: { count: pending?.count ?? 0, oldestCreatedAt: pending?.oldest_ms ? new Date(pending.oldest_ms) : null },
  };
}
