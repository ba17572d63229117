import { sql } from "drizzle-orm";
import type { Executor } from "@/db";
import { rowsOf } from "@/db/results";

const BATCH = 500;

/**
 * The workspace retention period: a finished call older than its workspace's `callRetentionDays`
 * loses its arguments, result and sealed secrets — its digests, its row and its audit events stay,
 * so the history still says what happened, not with what. At most 500 calls per run; idempotent.
 */
export async function purgeCallDataPastRetention(db: Executor): Promise<number> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      update tool_calls c set arguments = '{}'::jsonb, result = null, secret_ciphertext = null, purged_at = now(),
        result_digest = coalesce(c.result_digest, case when c.result is not null then encode(sha256(convert_to(c.result::text, 'UTF8')), 'hex') end)
      where c.id in (
        select c2.id from tool_calls c2 join workspaces w on w.id = c2.workspace_id
        where w.call_retention_days is not null
          -- An index range (workspace, created_at), bounded below: anything older was purged long ago.
          and c2.created_at < now() - make_interval(days => w.call_retention_days)
          and c2.created_at > now() - make_interval(days => w.call_retention_days + 60)
          and c2.purged_at is null and c2.finished_at is not null
          and c2.finished_at < now() - make_interval(days => w.call_retention_days)
          and c2.status in ('succeeded', 'failed', 'denied', 'expired', 'cancelled', 'rejected')
        limit ${BATCH})
      returning c.id`),
  );
  return rows.length;
}

const slot = globalThis as unknown as { __toolgateLastPurge?: number };

/** The purge, at most once a minute per process (the sweep runs every few seconds). */
export async function purgeCallDataNowAndThen(db: Executor, now = Date.now()): Promise<number> {
  if (now - (slot.__toolgateLastPurge ?? 0) < 60_000) return 0;
  slot.__toolgateLastPurge = now;
  return purgeCallDataPastRetention(db);
}
