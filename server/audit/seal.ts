import { inArray, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { rowsOf } from "@/db/results";
import { auditSeals } from "@/db/schema";
import { getEnv } from "../env";
import { chainLink, GENESIS_LINK, workspaceChainKey, type ChainedEvent } from "./chain";

/** The columns of an event as the chain reads them (`at` formatted in the database, to the microsecond). */
export const CHAINED_EVENT_COLUMNS = sql.raw(`e.id, e.workspace_id, to_char(e.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at,
  e.actor_type, e.actor_id, e.action, e.client_id, e.subject_type, e.subject_id, e.call_id, e.data`);

export type EventRow = {
  id: string;
  workspace_id: string;
  at: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  client_id: string | null;
  subject_type: string | null;
  subject_id: string | null;
  call_id: string | null;
  data: unknown;
};

export function toChainedEvent(row: EventRow, seq: number): ChainedEvent {
  return {
    seq,
    id: row.id,
    workspaceId: row.workspace_id,
    at: row.at,
    actorType: row.actor_type,
    actorId: row.actor_id,
    action: row.action,
    clientId: row.client_id,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    callId: row.call_id,
    // postgres.js and PGlite both hand jsonb over parsed; a driver that gave text would be parsed here.
    data: typeof row.data === "string" ? (JSON.parse(row.data) as unknown) : row.data,
  };
}

const BATCH = 2_000;

/**
 * Seals one batch: takes the sealer's row lock (skipping if another instance holds it), then
 * chains, per workspace, the events of every transaction that has finished below the snapshot's
 * horizon, in (transaction, time, id) order. Writers never wait on this: they take no lock and
 * name no sequence number. Returns how many events it sealed, or null when another sealer is busy.
 */
async function sealBatch(db: Database, auditKey: Buffer): Promise<number | null> {
  return db.transaction(async (tx) => {
    const [state] = rowsOf<{ watermark: string }>(
      await tx.execute(sql`select watermark::text as watermark from audit_sealer_state where id = 1 for update skip locked`),
    );
    if (!state) return null;
    // Every transaction below the horizon has committed or rolled back: no event can still appear there.
    const [{ horizon } = { horizon: state.watermark }] = rowsOf<{ horizon: string }>(
      await tx.execute(sql`select pg_snapshot_xmin(pg_current_snapshot())::text as horizon`),
    );
    const events = rowsOf<EventRow & { tx_id: string }>(
      await tx.execute(sql`
        select ${CHAINED_EVENT_COLUMNS}, e.tx_id::text as tx_id from audit_events e
        where e.tx_id >= ${state.watermark}::xid8 and e.tx_id < ${horizon}::xid8
          and not exists (select 1 from audit_seals s where s.event_id = e.id)
        order by e.tx_id, e.at, e.id
        limit ${BATCH}`),
    );
    if (events.length > 0) {
      const workspaceIds = [...new Set(events.map((event) => event.workspace_id))];
      const heads = new Map<string, { seq: number; link: string }>();
      for (const head of rowsOf<{ workspace_id: string; seq: string | number; link: string }>(
        await tx.execute(sql`
          select distinct on (workspace_id) workspace_id, seq, link from audit_seals
          where ${inArray(auditSeals.workspaceId, workspaceIds)}
          order by workspace_id, seq desc`),
      )) {
        heads.set(head.workspace_id, { seq: Number(head.seq), link: head.link });
      }
      const keys = new Map(workspaceIds.map((id) => [id, workspaceChainKey(auditKey, id)]));
      const seals = events.map((row) => {
        const head = heads.get(row.workspace_id) ?? { seq: 0, link: GENESIS_LINK };
        const seq = head.seq + 1;
        const link = chainLink(keys.get(row.workspace_id)!, head.link, toChainedEvent(row, seq));
        heads.set(row.workspace_id, { seq, link });
        return { eventId: row.id, workspaceId: row.workspace_id, seq, link };
      });
      for (let start = 0; start < seals.length; start += 500) await tx.insert(auditSeals).values(seals.slice(start, start + 500));
    }
    // A full batch may have left events of its last transaction behind: resume from that transaction.
    const watermark = events.length === BATCH ? events.at(-1)!.tx_id : horizon;
    await tx.execute(sql`update audit_sealer_state set watermark = ${watermark}::xid8, sealed_at = now() where id = 1`);
    return events.length;
  });
}

/**
 * The audit sealer: chains every committed, not yet sealed audit event of every workspace, one
 * batch per transaction, until none is left. Safe to run on every instance at once (one seals,
 * the others skip). Returns how many events it sealed.
 */
export async function sealAuditEvents(db: Database, auditKey: Buffer = getEnv().auditKey): Promise<number> {
  let total = 0;
  for (let batch = 0; batch < 50; batch++) {
    const sealed = await sealBatch(db, auditKey);
    if (sealed === null) break;
    total += sealed;
    if (sealed < BATCH) break;
  }
  return total;
}
