import { inArray, sql } from "drizzle-orm";
import type { Executor } from "@/db";
import { loginThrottles } from "@/db/schema";

const WINDOW_SECONDS = 15 * 60;
/** Failures allowed per window before sign-in is slowed down, per account and per address. */
const FREE_FAILURES = { email: 5, address: 20 } as const;
const MAX_BLOCK_SECONDS = 15 * 60;

export type ThrottleKey = { kind: keyof typeof FREE_FAILURES; value: string };

const keyOf = (key: ThrottleKey) => `${key.kind}:${key.value}`;

/** Seconds until any of the keys may try again (0 when none is blocked). */
export async function secondsUntilAllowed(db: Executor, keys: ThrottleKey[]): Promise<number> {
  const rows = await db
    .select({ blockedUntil: loginThrottles.blockedUntil })
    .from(loginThrottles)
    .where(inArray(loginThrottles.key, keys.map(keyOf)));
  const now = Date.now();
  return Math.max(0, ...rows.map((row) => (row.blockedUntil ? Math.ceil((row.blockedUntil.getTime() - now) / 1000) : 0)));
}

/**
 * Counts a failure. Past the free allowance each further failure blocks the key for twice as long
 * (30 s, 60 s, … up to 15 minutes); the count starts over when the window has passed.
 */
export async function recordFailure(db: Executor, keys: ThrottleKey[]): Promise<void> {
  for (const key of keys) {
    const free = FREE_FAILURES[key.kind];
    await db.execute(sql`
      insert into login_throttles (key, failures, first_failure_at)
      values (${keyOf(key)}, 1, now())
      on conflict (key) do update set
        failures = case when login_throttles.first_failure_at < now() - make_interval(secs => ${WINDOW_SECONDS})
                        then 1 else login_throttles.failures + 1 end,
        first_failure_at = case when login_throttles.first_failure_at < now() - make_interval(secs => ${WINDOW_SECONDS})
                        then now() else login_throttles.first_failure_at end,
        blocked_until = case when login_throttles.failures + 1 > ${free}
                        and login_throttles.first_failure_at >= now() - make_interval(secs => ${WINDOW_SECONDS})
                        then now() + make_interval(secs => least(${MAX_BLOCK_SECONDS}, 30 * power(2, login_throttles.failures - ${free})))
                        else null end`);
  }
}

export async function clearFailures(db: Executor, keys: ThrottleKey[]): Promise<void> {
  await db.delete(loginThrottles).where(inArray(loginThrottles.key, keys.map(keyOf)));
}
