import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { rowsOf } from "@/db/results";
import { workspaces } from "@/db/schema";
import { getEnv } from "../env";
import { chainLink, GENESIS_LINK, linksEqual, workspaceChainKey } from "./chain";
import { CHAINED_EVENT_COLUMNS, toChainedEvent, type EventRow } from "./seal";

export type BrokenLink = {
  seq: number;
  eventId: string;
  reason: "altered" | "missing_link" | "event_missing" | "wrong_workspace";
  message: string;
};

export type ChainReport = {
  workspaceId: string;
  slug: string;
  /** Links checked, up to the first broken one. */
  checked: number;
  firstBroken: BrokenLink | null;
  /** Committed events still unsealed a minute after they were written: the sealer is not keeping up, or a seal was removed. */
  unsealed: { count: number; oldestId: string | null; oldestAt: string | null };
};

const PAGE = 5_000;

async function verifyWorkspace(db: Database, auditKey: Buffer, workspace: { id: string; slug: string }): Promise<ChainReport> {
  const key = workspaceChainKey(auditKey, workspace.id);
  let previous = GENESIS_LINK;
  let expectedSeq = 1;
  let firstBroken: BrokenLink | null = null;
  walk: for (;;) {
    const rows = rowsOf<Partial<EventRow> & { seq: string | number; link: string; event_id: string; present: boolean }>(
      await db.execute(sql`
        select s.seq, s.link, s.event_id, e.id is not null as present, ${CHAINED_EVENT_COLUMNS}
        from audit_seals s left join audit_events e on e.id = s.event_id
        where s.workspace_id = ${workspace.id} and s.seq >= ${expectedSeq}
        order by s.seq limit ${PAGE}`),
    );
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) {
        firstBroken = {
          seq: expectedSeq,
          eventId: row.event_id,
          reason: "missing_link",
          message: `link ${expectedSeq} is missing (the next one present is ${seq}, for event ${row.event_id}): a seal was removed`,
        };
        break walk;
      }
      if (!row.present) {
        firstBroken = { seq, eventId: row.event_id, reason: "event_missing", message: `event ${row.event_id} (link ${seq}) was deleted` };
        break walk;
      }
      if (row.workspace_id !== workspace.id) {
        firstBroken = {
          seq,
          eventId: row.event_id,
          reason: "wrong_workspace",
          message: `event ${row.event_id} (link ${seq}) was moved to another workspace`,
        };
        break walk;
      }
      const expected = chainLink(key, previous, toChainedEvent(row as EventRow, seq));
      if (!linksEqual(expected, row.link)) {
        firstBroken = {
          seq,
          eventId: row.event_id,
          reason: "altered",
          message: `event ${row.event_id} (link ${seq}) does not match its seal: the event or its link was changed`,
        };
        break walk;
      }
      previous = row.link;
      expectedSeq++;
    }
    if (rows.length < PAGE) break;
  }
  const [unsealed] = rowsOf<{ count: string | number; oldest_id: string | null; oldest_at: string | null }>(
    await db.execute(sql`
      select count(*) as count,
        (array_agg(e.id order by e.at))[1] as oldest_id,
        to_char(min(e.at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as oldest_at
      from audit_events e
      where e.workspace_id = ${workspace.id} and e.at < now() - interval '1 minute'
        and not exists (select 1 from audit_seals s where s.event_id = e.id)`),
  );
  return {
    workspaceId: workspace.id,
    slug: workspace.slug,
    checked: expectedSeq - 1,
    firstBroken,
    unsealed: { count: Number(unsealed?.count ?? 0), oldestId: unsealed?.oldest_id ?? null, oldestAt: unsealed?.oldest_at ?? null },
  };
}

/**
 * Walks each workspace's audit chain from its first link, recomputing every HMAC with the key from
 * the environment, and stops at the first broken link. Read-only; never repairs anything.
 */
export async function verifyAuditChains(db: Database, options: { workspaceId?: string; auditKey?: Buffer } = {}): Promise<ChainReport[]> {
  const auditKey = options.auditKey ?? getEnv().auditKey;
  const list = await db
    .select({ id: workspaces.id, slug: workspaces.slug })
    .from(workspaces)
    .where(options.workspaceId ? eq(workspaces.id, options.workspaceId) : undefined)
    .orderBy(workspaces.slug);
  const reports: ChainReport[] = [];
  for (const workspace of list) reports.push(await verifyWorkspace(db, auditKey, workspace));
  return reports;
}

/** One line per workspace, as the CLI prints it. */
export function describeChainReport(report: ChainReport): string {
  const head = report.firstBroken
    ? `BROKEN at link ${report.firstBroken.seq} (event ${report.firstBroken.eventId}): ${report.firstBroken.message}; ${report.checked} links before it are intact.`
    : `intact: ${report.checked} links verified.`;
  const unsealed = report.unsealed.count
    ? ` ${report.unsealed.count} event(s) committed over a minute ago are not sealed (oldest ${report.unsealed.oldestId} at ${report.unsealed.oldestAt}).`
    : "";
  return `workspace ${report.slug}: ${head}${unsealed}`;
}
