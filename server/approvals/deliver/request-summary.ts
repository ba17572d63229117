import type { RequesterSource } from "@/db/schema";
import { requesterSourceLabel } from "../requester-source";

/** What every approval message says about a call, whatever the channel. */
export type RequestSummary = {
  mspName: string;
  callId: string;
  approvalRequestId: string;
  kind: "technician" | "manager";
  toolTitle: string;
  toolName: string;
  /** The tool's own description (from its definition), for approvers who do not know what `get-sum` means. */
  toolDescription?: string | null;
  integrationName: string;
  clientName: string | null;
  agentName: string;
  arguments: Record<string, unknown>;
  requesterName: string | null;
  requesterEmail: string | null;
  requesterSource: RequesterSource | null;
  reason: string | null;
  /** The tool's rule that asked for this approval, in words ("approval needed: rule 2, group is one of [Domain Admins]"). */
  decidingRule?: string | null;
  ticket: { system: string; id: string } | null;
  expiresAt: Date;
  /** False when this call cannot become a standing grant (no "Approve for 1 h" is offered). */
  canGrant?: boolean;
  /** A technician request under the two-person rule: distinct technicians who approved so far, of those needed. */
  technicianVotes?: { given: number; required: number } | null;
};

/** "1 of 2 technicians approved" — null when the request needs one approver only. */
export function votesLine(votes: RequestSummary["technicianVotes"]): string | null {
  if (!votes || votes.required <= 1) return null;
  return `${votes.given} of ${votes.required} technicians approved`;
}

/**
 * Characters that change how a message reads rather than what it says: control characters (line
 * breaks among them), Unicode line and paragraph separators, and bidirectional overrides (which
 * can show "exe.txt" for "txt.exe").
 */
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED_ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * An agent- or tool-supplied string as one line of text: the characters above are shown as
 * escapes (`\n`, `\u202E`), so the string cannot add lines to a message (a fake "Approved by …"
 * line) or reorder what the reader sees.
 */
export function oneLine(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, (char) => NAMED_ESCAPES[char] ?? unicodeEscape(char));
}

function unicodeEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Characters JSON.stringify leaves as they are that still change how the text reads. */
const UNESCAPED_BY_JSON = /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Arguments as exact, readable JSON for a page that shows them in full. JSON.stringify escapes
 * control characters but not bidirectional overrides or line separators: those are escaped too.
 */
export function argumentsJson(args: Record<string, unknown>): string {
  return JSON.stringify(args, null, 2).replace(UNESCAPED_BY_JSON, unicodeEscape);
}

/** Arguments as messages show them: one line each, `name: value`, with whether anything was left out. */
export type ArgumentPreview = { lines: string[]; shortened: boolean };

/**
 * Arguments as readable lines: `name: value`, nested values as compact JSON, each line safe
 * (oneLine), values over `maxValue` characters cut with "…" and at most `maxLines` arguments.
 * `shortened` says whether anything was cut, so messages can say so and link to the full request.
 */
export function argumentPreview(args: Record<string, unknown>, { maxValue = 300, maxLines = 20 } = {}): ArgumentPreview {
  const entries = Object.entries(args);
  if (entries.length === 0) return { lines: ["(no arguments)"], shortened: false };
  let shortened = entries.length > maxLines;
  const lines = entries.slice(0, maxLines).map(([key, value]) => {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    if (text.length > maxValue) shortened = true;
    return `${oneLine(key)}: ${oneLine(text.length > maxValue ? `${text.slice(0, maxValue)}…` : text)}`;
  });
  if (entries.length > maxLines) lines.push(`… and ${entries.length - maxLines} more`);
  return { lines, shortened };
}

/** The preview's lines alone. */
export function argumentLines(args: Record<string, unknown>, maxValue = 300): string[] {
  return argumentPreview(args, { maxValue }).lines;
}

export function requesterLine(summary: RequestSummary): string {
  if (!summary.requesterEmail) return "No requester named";
  const who = summary.requesterName ? `${summary.requesterName} <${summary.requesterEmail}>` : summary.requesterEmail;
  return oneLine(`${who} (${requesterSourceLabel(summary.requesterSource)})`);
}

export function headline(summary: RequestSummary): string {
  return oneLine(
    `${summary.agentName} wants to run “${summary.toolTitle}” on ${summary.integrationName}${summary.clientName ? ` for ${summary.clientName}` : ""}`,
  );
}

/** The ticket as one line: `jira HELP-42`. */
export function ticketLine(ticket: { system: string; id: string }): string {
  return oneLine(`${ticket.system} ${ticket.id}`);
}
