/**
 * The request summary: what every approval message and page says about one approval request —
 * the deep-link page, the Slack DM, the e-mail, the ticket note and the Approvals inbox. Read from
 * the database (never from what the agent claims), and rendered safely: agent- or tool-supplied
 * strings are one line each, arguments are previewed, never dumped.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db";
import {
  agents,
  approvalRequests,
  approvalVotes,
  clients,
  directoryPeople,
  integrations,
  toolCalls,
  tools,
  workspaces,
  type RequesterSource,
} from "@/db/schema";
import { grantProblemOfCall } from "../grants/create-grant";
import { decidingRuleWords } from "../policy/rules";
import { requesterSourceLabel } from "./requester-source";

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

/** Everything a message about one approval request shows, read from the database (never from the agent). */
export async function loadRequestSummary(
  db: Database,
  approvalRequestId: string,
): Promise<RequestSummary & { workspaceId: string; approverPersonId: string | null; status: string }> {
  const [row] = await db
    .select({
      request: approvalRequests,
      call: toolCalls,
      agentName: agents.name,
      workspaceName: workspaces.name,
      integrationName: integrations.name,
      toolTitle: tools.title,
      toolDescription: tools.description,
      clientName: clients.name,
    })
    .from(approvalRequests)
    .innerJoin(toolCalls, eq(toolCalls.id, approvalRequests.callId))
    .innerJoin(agents, eq(agents.id, toolCalls.agentId))
    .innerJoin(workspaces, eq(workspaces.id, toolCalls.workspaceId))
    .leftJoin(integrations, eq(integrations.id, toolCalls.integrationId))
    .leftJoin(tools, eq(tools.id, toolCalls.toolId))
    .leftJoin(clients, eq(clients.id, toolCalls.clientId))
    .where(eq(approvalRequests.id, approvalRequestId));
  if (!row) throw new Error(`approval request ${approvalRequestId} not found`);
  const [requester] = row.call.requesterPersonId
    ? await db
        .select({ name: directoryPeople.name })
        .from(directoryPeople)
        .where(and(eq(directoryPeople.id, row.call.requesterPersonId), eq(directoryPeople.workspaceId, row.call.workspaceId)))
    : [];
  const [votes] =
    row.request.kind === "technician"
      ? await db
          .select({ n: sql<number>`count(*)::int` })
          .from(approvalVotes)
          .where(eq(approvalVotes.approvalRequestId, row.request.id))
      : [];
  return {
    technicianVotes: votes ? { given: Number(votes.n), required: row.request.requiredApprovals } : null,
    workspaceId: row.call.workspaceId,
    approverPersonId: row.request.approverPersonId,
    status: row.request.status,
    mspName: row.workspaceName,
    callId: row.call.id,
    approvalRequestId: row.request.id,
    kind: row.request.kind,
    toolTitle: row.toolTitle ?? row.call.toolName,
    toolName: row.call.toolName,
    toolDescription: row.toolDescription,
    integrationName: row.integrationName ?? row.call.integrationSlug,
    clientName: row.clientName,
    agentName: row.agentName,
    arguments: row.call.arguments,
    requesterName: requester?.name ?? null,
    requesterEmail: row.call.requesterEmail,
    requesterSource: row.call.requesterSource,
    reason: row.call.reason,
    decidingRule: row.call.decisionRule ? decidingRuleWords(row.call.decisionRule) : null,
    ticket: row.call.ticketSystem && row.call.ticketId ? { system: row.call.ticketSystem, id: row.call.ticketId } : null,
    expiresAt: row.request.expiresAt,
    canGrant: (await grantProblemOfCall(db, row.call)) === null,
  };
}

/** The inbox's summary of a call's arguments (the call's page shows them in full). */
const SUMMARY_KEYS = 20;
const SUMMARY_KEY_CHARS = 100;
const SUMMARY_VALUE_CHARS = 200;

/** What an inbox item says about a call's arguments: all of them when short, else a summary with a marker. */
export type ArgumentsSummary = { text: string; shortened: boolean; bytes: number };
type RawSummary = { summary: Record<string, unknown> | string; shortened: boolean; bytes: number };

/**
 * The summary, built by the database so that large arguments never leave it: the first
 * SUMMARY_KEYS arguments by name, each name and each long value cut (a cut value ends in "…"),
 * whether anything was cut, and the size of them all.
 */
export const argumentsSummarySql = sql<RawSummary | string>`(
  select jsonb_build_object(
    'summary', coalesce(jsonb_object_agg(left(entry.key, ${SUMMARY_KEY_CHARS}),
      case when octet_length(entry.value::text) <= ${SUMMARY_VALUE_CHARS} then entry.value
           when jsonb_typeof(entry.value) = 'string' then to_jsonb(left(entry.value #>> '{}', ${SUMMARY_VALUE_CHARS}) || '…')
           else to_jsonb(left(entry.value::text, ${SUMMARY_VALUE_CHARS}) || '…') end), '{}'::jsonb),
    'shortened', coalesce(bool_or(octet_length(entry.value::text) > ${SUMMARY_VALUE_CHARS} or length(entry.key) > ${SUMMARY_KEY_CHARS}), false)
      or (select count(*) from jsonb_object_keys(${toolCalls.arguments})) > ${SUMMARY_KEYS},
    'bytes', octet_length(${toolCalls.arguments}::text))
  from (select key, value from jsonb_each(${toolCalls.arguments}) order by key limit ${SUMMARY_KEYS}) entry)`;

/** The summary as an inbox item carries it: pretty JSON of what the database sent (parsed or not, by driver). */
export function summariseArguments(raw: RawSummary | string): ArgumentsSummary {
  const parsed = typeof raw === "string" ? (JSON.parse(raw) as RawSummary) : raw;
  const summary = typeof parsed.summary === "string" ? (JSON.parse(parsed.summary) as Record<string, unknown>) : parsed.summary;
  return { text: argumentsJson(summary), shortened: Boolean(parsed.shortened), bytes: Number(parsed.bytes) };
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
