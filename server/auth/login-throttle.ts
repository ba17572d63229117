import { inArray, sql } from "drizzle-orm";
import type { Executor } from "@/db";
import { rowsOf } from "@/db/results";
import { loginThrottles } from "@/db/schema";

const WINDOW_SECONDS = 15 * 60;
/** Password checks allowed per 15 minutes for one account from one address. */
export const ACCOUNT_ADDRESS_FAILURES_PER_WINDOW = 5;
/** … from one address across accounts (password spraying). */
export const ADDRESS_FAILURES_PER_WINDOW = 20;
/** … for one account across all addresses: the slower limit, so guesses spread over addresses still end. */
export const ACCOUNT_FAILURES_PER_WINDOW = 30;

type ThrottleKey = { key: string; allowance: number };

/**
 * Narrowest first: a guesser at one address runs out of their own allowance before they touch the
 * account's, so the account's owner, signing in from elsewhere, is not locked out by them.
 */
function throttleKeys(email: string, clientAddress: string | null): ThrottleKey[] {
  const address = clientAddress ?? "unknown";
  return [
    { key: `account-address:${email}|${address}`, allowance: ACCOUNT_ADDRESS_FAILURES_PER_WINDOW },
    ...(clientAddress ? [{ key: `address:${clientAddress}`, allowance: ADDRESS_FAILURES_PER_WINDOW }] : []),
    { key: `account:${email}`, allowance: ACCOUNT_FAILURES_PER_WINDOW },
  ];
}

export type AttemptClaim = { allowed: true; keys: string[] } | { allowed: false; retryAfterSeconds: number };

/**
 * Claims one password check before the password is checked. Each key is charged by one
 * conditional upsert (a row lock on PostgreSQL), which charges only while the key is within its
 * allowance: of any number of parallel attempts at most the allowance get through. A refused
 * claim gives back what it charged on the narrower keys.
 */
export async function claimSignInAttempt(db: Executor, email: string, clientAddress: string | null): Promise<AttemptClaim> {
  const charged: string[] = [];
  for (const { key, allowance } of throttleKeys(email, clientAddress)) {
    const result = await db.execute(sql`
      insert into login_throttles (key, failures, first_failure_at) values (${key}, 1, now())
      on conflict (key) do update set
        failures = case when login_throttles.first_failure_at < now() - make_interval(secs => ${WINDOW_SECONDS})
                        then 1 else login_throttles.failures + 1 end,
        first_failure_at = case when login_throttles.first_failure_at < now() - make_interval(secs => ${WINDOW_SECONDS})
                        then now() else login_throttles.first_failure_at end
      where login_throttles.first_failure_at < now() - make_interval(secs => ${WINDOW_SECONDS})
         or login_throttles.failures < ${allowance}
      returning failures`);
    if (rowsOf(result).length === 1) {
      charged.push(key);
      continue;
    }
    await refund(db, charged);
    const waited = await db.execute(sql`
      select greatest(1, ceil(extract(epoch from first_failure_at + make_interval(secs => ${WINDOW_SECONDS}) - now())))::int as seconds
      from login_throttles where key = ${key}`);
    return { allowed: false, retryAfterSeconds: Number(rowsOf<{ seconds: number }>(waited)[0]?.seconds ?? WINDOW_SECONDS) };
  }
  return { allowed: true, keys: charged };
}

async function refund(db: Executor, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await db
    .update(loginThrottles)
    .set({ failures: sql`greatest(0, ${loginThrottles.failures} - 1)` })
    .where(inArray(loginThrottles.key, keys));
}

/** After the right password: the check is not a failure, and this account at this address starts afresh. */
export async function settleSuccessfulSignIn(db: Executor, claim: Extract<AttemptClaim, { allowed: true }>): Promise<void> {
  const [accountAddress, ...rest] = claim.keys;
  if (accountAddress) await db.delete(loginThrottles).where(inArray(loginThrottles.key, [accountAddress]));
  await refund(db, rest);
}
