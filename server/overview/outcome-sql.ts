import { sql } from "drizzle-orm";

/** Statuses a call can still leave: a day with such a call is not settled, so it is not rolled up. */
export const UNFINISHED_STATUSES_SQL = sql.raw(`('pending_approval', 'approved', 'executing')`);

/**
 * A call's outcome in SQL (table alias `c`). A call that went through approval carries `expires_at`;
 * refused covers the policy's refusals and calls withdrawn or cancelled before they ran.
 */
export const OUTCOME_SQL = sql.raw(`case
  when c.status in ('rejected', 'cancelled') then 'refused'
  when c.status = 'failed' then 'failed'
  when c.status = 'denied' then 'denied'
  when c.status = 'expired' then 'expired'
  when c.expires_at is null then 'auto'
  else 'approved' end`);
