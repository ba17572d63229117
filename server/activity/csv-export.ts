import { callStateLabel } from "../calls/labels";
import type { CallListItem } from "./list-calls";

const COLUMNS: Array<[string, (row: CallListItem) => unknown]> = [
  ["call_id", (row) => row.id],
  ["created_at", (row) => row.createdAt.toISOString()],
  ["status", (row) => row.status],
  ["client", (row) => row.clientName ?? "MSP"],
  ["agent", (row) => row.agentName],
  ["integration", (row) => row.integration],
  ["tool", (row) => row.tool],
  ["requester", (row) => row.requesterEmail ?? ""],
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

export function callsToCsv(rows: CallListItem[]): string {
  return (
    [COLUMNS.map(([name]) => name).join(","), ...rows.map((row) => COLUMNS.map(([, read]) => cell(read(row))).join(","))].join("\r\n") +
    "\r\n"
  );
}
