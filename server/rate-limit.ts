import { sql } from "drizzle-orm";
import type { Executor } from "@/db";
import { rowsOf } from "@/db/results";

/**
 * A fixed-window counter shared by all instances: counts one hit for `key` and says whether it is
 * within `limit` per `windowSeconds`. One statement.
 */
export async function hitRateLimit(
  db: Executor,
  key: string,
  limit: number,
  windowSeconds: number,
): Promise<{ allowed: boolean; count: number }> {
  const result = await db.execute(sql`
    insert into rate_limits (key, window_start, count) values (${key}, now(), 1)
    on conflict (key) do update set
      count = case when rate_limits.window_start < now() - make_interval(secs => ${windowSeconds}) then 1 else rate_limits.count + 1 end,
      window_start = case when rate_limits.window_start < now() - make_interval(secs => ${windowSeconds}) then now() else rate_limits.window_start end
    returning count`);
  const rows = rowsOf<{ count: number }>(result);
  const count = Number(rows[0]?.count ?? 0);
  return { allowed: count <= limit, count };
}

/** Reads a counter without counting (to refuse before doing any work). */
export async function rateLimitExceeded(db: Executor, key: string, limit: number, windowSeconds: number): Promise<boolean> {
  const result = await db.execute(
    sql`select count from rate_limits where key = ${key} and window_start >= now() - make_interval(secs => ${windowSeconds})`,
  );
  const rows = rowsOf<{ count: number }>(result);
  return Number(rows[0]?.count ?? 0) > limit;
}
