import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "@/db";
import { approvalRequests, directoryPeople, users, type ApprovalKind } from "@/db/schema";
import { callStateLabel } from "../calls/labels";
import type { CallListItem } from "./list-calls";

/** One approval request of a call as the CSV shows it: who (was asked or) decided, what, when, why. */
export type CsvApproval = {
  kind: ApprovalKind;
  approver: string;
  decision: string;
  decidedAt: Date | null;
  comment: string | null;
};

const approvalColumns = (kind: ApprovalKind): Array<[string, (approvals: CsvApproval[]) => unknown]> => {
  const of = (approvals: CsvApproval[]) => approvals.find((approval) => approval.kind === kind);
  return [
    [`${kind}_approver`, (approvals) => of(approvals)?.approver ?? ""],
    [`${kind}_decision`, (approvals) => of(approvals)?.decision ?? ""],
    [`${kind}_decided_at`, (approvals) => of(approvals)?.decidedAt?.toISOString() ?? ""],
    [`${kind}_comment`, (approvals) => of(approvals)?.comment ?? ""],
  ];
};

const COLUMNS: Array<[string, (row: CallListItem, approvals: CsvApproval[]) => unknown]> = [
  ["call_id", (row) => row.id],
  ["created_at", (row) => row.createdAt.toISOString()],
  ["status", (row) => row.status],
  ["client", (row) => row.clientName ?? "MSP"],
  ["agent", (row) => row.agentName],
  ["integration", (row) => row.integration],
  ["tool", (row) => row.tool],
  ["ticket", (row) => (row.ticketId ? `${row.ticketSystem ?? "ticket"}:${row.ticketId}` : "")],
  ["requester", (row) => row.requesterEmail ?? ""],
  ...[...approvalColumns("technician"), ...approvalColumns("manager")].map(
    ([name, read]): [string, (row: CallListItem, approvals: CsvApproval[]) => unknown] => [name, (_row, approvals) => read(approvals)],
  ),
  ["error", (row) => row.errorCode ?? ""],
  ["latency_ms", (row) => row.latencyMs ?? ""],
  ["decision", (row) => row.decisionReason],
  ["arguments_sha256", (row) => row.argumentsDigest],
  // The state in the page's words (server/calls/labels.ts), with why a cancelled call stopped.
  ["state", (row) => callStateLabel(row)],
];

/** RFC 4180 quoting; cells that a spreadsheet would run as formulas are prefixed with a quote. */
function cell(value: unknown): string {
  let text = String(value ?? "");
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The approval requests of the listed calls (one query), keyed by call, with approvers' names. */
export async function loadCsvApprovals(db: Database, workspaceId: string, callIds: string[]): Promise<Map<string, CsvApproval[]>> {
  const byCall = new Map<string, CsvApproval[]>();
  if (callIds.length === 0) return byCall;
  const rows = await db
    .select({
      callId: approvalRequests.callId,
      kind: approvalRequests.kind,
      status: approvalRequests.status,
      approverEmail: approvalRequests.approverEmail,
      userName: users.name,
      personName: directoryPeople.name,
      personEmail: directoryPeople.email,
      decidedAt: approvalRequests.decidedAt,
      comment: approvalRequests.comment,
    })
    .from(approvalRequests)
    .leftJoin(users, eq(users.id, approvalRequests.decidedByUserId))
    .leftJoin(directoryPeople, eq(directoryPeople.id, approvalRequests.decidedByPersonId))
    .where(and(eq(approvalRequests.workspaceId, workspaceId), inArray(approvalRequests.callId, callIds)));
  for (const row of rows) {
    const approver =
      row.userName ?? (row.personName ? `${row.personName} <${row.personEmail}>` : row.approverEmail ? `${row.approverEmail}` : "");
    const list = byCall.get(row.callId) ?? [];
    list.push({ kind: row.kind, approver, decision: row.status, decidedAt: row.decidedAt, comment: row.comment });
    byCall.set(row.callId, list);
  }
  return byCall;
}

export function callsToCsv(rows: CallListItem[], approvals: Map<string, CsvApproval[]> = new Map()): string {
  return (
    [
      COLUMNS.map(([name]) => name).join(","),
      ...rows.map((row) => COLUMNS.map(([, read]) => cell(read(row, approvals.get(row.id) ?? []))).join(",")),
    ].join("\r\n") + "\r\n"
  );
}
