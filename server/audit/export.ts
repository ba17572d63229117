import { sql } from "drizzle-orm";
import type { Database } from "@/db";
import { rowsOf } from "@/db/results";
import { GENESIS_LINK, type ChainedEvent } from "./chain";
import { CHAINED_EVENT_COLUMNS, toChainedEvent, type EventRow } from "./seal";

export type ExportRange = { workspaceId: string; from?: Date; to?: Date };

const PAGE = 2_000;

/**
 * A workspace's sealed audit events as JSON Lines, one object per event with its place in the chain
 * (`seq`), the link before it (`prev`) and its own (`link`). The lines are the contiguous run of
 * links from the first event at or after `from` to the last one before `to`, so an auditor can
 * check every link and that none is missing. Events not sealed yet are not included.
 */
export async function* exportAuditJsonLines(db: Database, range: ExportRange): AsyncGenerator<string> {
  const from = range.from?.toISOString() ?? null;
  const to = range.to?.toISOString() ?? null;
  const [bounds] = rowsOf<{ first: string | number | null; last: string | number | null }>(
    await db.execute(sql`
      select min(s.seq) as first, max(s.seq) as last
      from audit_seals s join audit_events e on e.id = s.event_id
      where s.workspace_id = ${range.workspaceId}
        and (${from}::timestamptz is null or e.at >= ${from}::timestamptz)
        and (${to}::timestamptz is null or e.at < ${to}::timestamptz)`),
  );
  if (!bounds || bounds.first === null || bounds.last === null) return;
  const first = Number(bounds.first);
  const last = Number(bounds.last);
  const [before] = rowsOf<{ link: string }>(
    await db.execute(sql`select link from audit_seals where workspace_id = ${range.workspaceId} and seq = ${first - 1}`),
  );
  let prev = first === 1 ? GENESIS_LINK : (before?.link ?? GENESIS_LINK);
  for (let next = first; next <= last;) {
    const rows = rowsOf<EventRow & { seq: string | number; link: string }>(
      await db.execute(sql`
        select s.seq, s.link, ${CHAINED_EVENT_COLUMNS}
        from audit_seals s join audit_events e on e.id = s.event_id
        where s.workspace_id = ${range.workspaceId} and s.seq >= ${next} and s.seq <= ${last}
        order by s.seq limit ${PAGE}`),
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      const seq = Number(row.seq);
      const event: Partial<ChainedEvent> = toChainedEvent(row, seq);
      delete event.seq;
      yield JSON.stringify({ seq, prev, link: row.link, event }) + "\n";
      prev = row.link;
      next = seq + 1;
    }
  }
}
