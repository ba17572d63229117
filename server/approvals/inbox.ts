import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import {
  agents,
  approvalRequests,
  approvalVotes,
  clients,
  directoryPeople,
  integrations,
  toolCalls,
  tools,
  users,
  workspaces,
  type ApprovalKind,
  type ApprovalStatus,
  type CallStatus,
  type RequesterSource,
} from "@/db/schema";
import type { UserContext } from "../context";
import { ServiceError } from "../errors";
import { recordAudit } from "../audit/record";
import { hitRateLimit } from "../rate-limit";
import { GRANT_HOURS_CEILING } from "../grants/grantable";
import { approvalSlackApp, workspaceSmtp } from "./deliver/channels";
import { argumentsSummarySql, summariseArguments, type ArgumentsSummary } from "./summary";
import { managerDeliveries, writeDeliveries } from "./deliver/plan";
import type { ApprovalChannel } from "./channel-words";
import { loadReachSetup, requestChannels } from "./reach";

const manager = alias(directoryPeople, "manager");
const requester = alias(directoryPeople, "requester");

export const INBOX_PAGE_SIZE = 20;
/** Where a page ends: the last item's place in the inbox's order (pending first, then newest first). */
type Cursor = { decided: 0 | 1; createdAt: string; id: string };

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.decided, cursor.createdAt, cursor.id])).toString("base64url");
}

/** PostgreSQL's text form of a timestamptz, e.g. 2026-11-24 10:00:00.123456+00. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;

function decodeCursor(text: string): Cursor {
  try {
    const [decided, createdAt, id] = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as unknown[];
    if ((decided === 0 || decided === 1) && typeof createdAt === "string" && TIMESTAMP.test(createdAt) && typeof id === "string")
      return { decided, createdAt, id };
  } catch {
    // Reported below, in words.
  }
  throw new ServiceError(
    "invalid_input",
    "That inbox cursor is not one the inbox handed out: open the Approvals inbox from its first page.",
  );
}

/**
 * One page of the Approvals inbox: requests waiting for a decision first, then the most recent
 * decisions, newest first, `limit` at a time (keyset paging: a request decided meanwhile moves
 * to the decided part without shifting the pages). Each item carries a summary of the call's
 * arguments, never all of them — the database sends only their first characters — so a page stays
 * small however large the calls are. Scoped to the user's workspace; `pendingCount` counts every
 * waiting request, not just this page's.
 */
export async function listApprovalInbox(
  { db, user }: UserContext,
  input: { callId?: string; cursor?: string; limit?: number; filter?: InboxFilter } = {},
): Promise<{ items: InboxItem[]; nextCursor: string | null; pendingCount: number; grantMaxHours: number }> {
  const limit = input.limit ?? INBOX_PAGE_SIZE;
  const decided = sql<0 | 1>`(case when ${approvalRequests.status} = 'pending' then 0 else 1 end)`;
  const after = input.cursor ? decodeCursor(input.cursor) : null;
  const filter = input.filter;
  const scope = and(
    eq(approvalRequests.workspaceId, user.workspaceId),
    input.callId ? eq(approvalRequests.callId, input.callId) : undefined,
    // The batch view: technician requests still waiting, narrowed to one tool, requester or client.
    filter ? and(eq(approvalRequests.status, "pending"), eq(approvalRequests.kind, "technician")) : undefined,
    filter?.toolId ? sql`${approvalRequests.callId} in (select id from tool_calls where tool_id = ${filter.toolId})` : undefined,
    filter?.requesterEmail
      ? sql`${approvalRequests.callId} in (select id from tool_calls where lower(requester_email) = lower(${filter.requesterEmail}))`
      : undefined,
    filter?.clientId ? sql`${approvalRequests.callId} in (select id from tool_calls where client_id = ${filter.clientId})` : undefined,
  );
  const rows = await db
    .select({
      request: approvalRequests,
      decided,
      createdAtKey: sql<string>`${approvalRequests.createdAt}::text`,
      call: {
        id: toolCalls.id,
        status: toolCalls.status,
        integrationSlug: toolCalls.integrationSlug,
        toolName: toolCalls.toolName,
        requesterEmail: toolCalls.requesterEmail,
        requesterSource: toolCalls.requesterSource,
        reason: toolCalls.reason,
        ticketSystem: toolCalls.ticketSystem,
        ticketId: toolCalls.ticketId,
        clientId: toolCalls.clientId,
        toolId: toolCalls.toolId,
        errorCode: toolCalls.errorCode,
      },
      argumentsSummary: argumentsSummarySql,
      // The names an approver may unpin when allowing the call again (the values are in the summary).
      argumentNames: sql<string[] | string>`(select coalesce(jsonb_agg(name order by name), '[]'::jsonb)
        from (select name from jsonb_object_keys(${toolCalls.arguments}) name where name <> 'toolgate_requester' order by name limit 50) names)`,
      agentName: agents.name,
      clientName: clients.name,
      integrationName: integrations.name,
      toolTitle: tools.title,
      managerName: manager.name,
      managerEmail: manager.email,
      managerSlackId: manager.slackUserId,
      requesterName: requester.name,
      decidedByUser: users.name,
    })
    .from(approvalRequests)
    .innerJoin(toolCalls, and(eq(toolCalls.id, approvalRequests.callId), eq(toolCalls.workspaceId, approvalRequests.workspaceId)))
    .innerJoin(agents, eq(agents.id, toolCalls.agentId))
    .leftJoin(clients, eq(clients.id, toolCalls.clientId))
    .leftJoin(integrations, eq(integrations.id, toolCalls.integrationId))
    .leftJoin(tools, eq(tools.id, toolCalls.toolId))
    .leftJoin(manager, eq(manager.id, approvalRequests.approverPersonId))
    .leftJoin(requester, eq(requester.id, toolCalls.requesterPersonId))
    .leftJoin(users, eq(users.id, approvalRequests.decidedByUserId))
    .where(
      and(
        scope,
        after
          ? sql`(${decided} > ${after.decided} or (${decided} = ${after.decided} and (${approvalRequests.createdAt} < ${after.createdAt}::timestamptz
              or (${approvalRequests.createdAt} = ${after.createdAt}::timestamptz and ${approvalRequests.id} < ${after.id}))))`
          : undefined,
      ),
    )
    .orderBy(decided, desc(approvalRequests.createdAt), desc(approvalRequests.id))
    .limit(limit + 1);
  const [pending] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(approvalRequests)
    .where(and(scope, eq(approvalRequests.status, "pending")));
  const [workspace] = await db
    .select({ grantMaxHours: workspaces.grantMaxHours })
    .from(workspaces)
    .where(eq(workspaces.id, user.workspaceId));
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const setup = await loadReachSetup(db, user.workspaceId);
  // Each call's other request (technician ↔ manager): a card says whether the other side has decided.
  const siblings = page.length
    ? await db
        .select({
          id: approvalRequests.id,
          callId: approvalRequests.callId,
          kind: approvalRequests.kind,
          status: approvalRequests.status,
          decidedAt: approvalRequests.decidedAt,
          byUser: users.name,
          byPerson: directoryPeople.name,
        })
        .from(approvalRequests)
        .leftJoin(users, eq(users.id, approvalRequests.decidedByUserId))
        .leftJoin(directoryPeople, eq(directoryPeople.id, approvalRequests.decidedByPersonId))
        .where(
          and(
            eq(approvalRequests.workspaceId, user.workspaceId),
            inArray(
              approvalRequests.callId,
              page.map((row) => row.call.id),
            ),
          ),
        )
    : [];
  // The two-person rule: who has approved each technician request so far.
  const votes = page.length
    ? await db
        .select({ approvalRequestId: approvalVotes.approvalRequestId, userId: approvalVotes.userId, name: users.name })
        .from(approvalVotes)
        .leftJoin(users, eq(users.id, approvalVotes.userId))
        .where(
          and(
            eq(approvalVotes.workspaceId, user.workspaceId),
            inArray(
              approvalVotes.approvalRequestId,
              page.map((row) => row.request.id),
            ),
          ),
        )
        .orderBy(approvalVotes.createdAt)
    : [];
  return {
    items: page.map((row) => ({
      id: row.request.id,
      kind: row.request.kind,
      status: row.request.status,
      comment: row.request.comment,
      denialKind: row.request.denialKind,
      decidedAt: row.request.decidedAt,
      decidedBy: row.decidedByUser ?? (row.request.decidedByPersonId ? row.managerName : null),
      expiresAt: row.request.expiresAt,
      createdAt: row.request.createdAt,
      escalationLevel: row.request.escalationLevel,
      managerName: row.managerName,
      managerEmail: row.managerEmail,
      votes:
        row.request.kind === "technician"
          ? {
              given: votes.filter((vote) => vote.approvalRequestId === row.request.id).length,
              required: row.request.requiredApprovals,
              by: votes.filter((vote) => vote.approvalRequestId === row.request.id).map((vote) => vote.name ?? "a technician"),
              mine: votes.some((vote) => vote.approvalRequestId === row.request.id && vote.userId === user.id),
            }
          : null,
      call: {
        id: row.call.id,
        status: row.call.status,
        errorCode: row.call.errorCode,
        integration: row.integrationName ?? row.call.integrationSlug,
        tool: row.toolTitle ?? row.call.toolName,
        toolName: row.call.toolName,
        toolId: row.call.toolId,
        clientId: row.call.clientId,
        argumentsSummary: summariseArguments(row.argumentsSummary),
        argumentNames: (typeof row.argumentNames === "string" ? JSON.parse(row.argumentNames) : row.argumentNames) as string[],
        agentName: row.agentName,
        clientName: row.clientName,
        requesterEmail: row.call.requesterEmail,
        requesterName: row.requesterName,
        requesterSource: row.call.requesterSource,
        reason: row.call.reason,
        ticket: row.call.ticketSystem ? `${row.call.ticketSystem} ${row.call.ticketId}` : null,
      },
      mine: row.call.requesterEmail === user.email,
      channels: requestChannels(
        setup,
        {
          requesterEmail: row.call.requesterEmail,
          clientId: row.call.clientId,
          ticketSystem: row.call.ticketSystem,
          ticketId: row.call.ticketId,
        },
        { kind: row.request.kind, approverEmail: row.request.approverEmail, approverOnSlack: Boolean(row.managerSlackId) },
      ),
      others: siblings
        .filter((other) => other.callId === row.call.id && other.id !== row.request.id)
        .map((other) => ({
          kind: other.kind,
          status: other.status,
          decidedAt: other.decidedAt,
          decidedBy: other.byUser ?? other.byPerson,
        })),
    })),
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({ decided: Number(last.decided) === 0 ? 0 : 1, createdAt: last.createdAtKey, id: last.request.id })
        : null,
    pendingCount: Number(pending?.count ?? 0),
    grantMaxHours: Math.min(workspace?.grantMaxHours ?? 0, GRANT_HOURS_CEILING),
  };
}

/** The batch view's narrowing: pending technician requests of one tool, one requester and/or one client. */
export type InboxFilter = { toolId?: string; requesterEmail?: string; clientId?: string };

export type InboxItem = {
  id: string;
  kind: ApprovalKind;
  status: ApprovalStatus;
  comment: string | null;
  denialKind: string | null;
  decidedAt: Date | null;
  decidedBy: string | null;
  expiresAt: Date;
  createdAt: Date;
  /** 0, or how far the request, unanswered, has escalated (1: the group / channel, 2: the admins). */
  escalationLevel: number;
  managerName: string | null;
  managerEmail: string | null;
  /** A technician request's approvals so far under the two-person rule ("1 of 2 technicians approved"). */
  votes: { given: number; required: number; by: string[]; mine: boolean } | null;
  call: {
    id: string;
    status: CallStatus;
    errorCode: string | null;
    integration: string;
    tool: string;
    toolName: string;
    toolId: string | null;
    clientId: string | null;
    argumentsSummary: ArgumentsSummary;
    /** Its argument names (at most 50): what "allow this again" can unpin. */
    argumentNames: string[];
    agentName: string;
    clientName: string | null;
    requesterEmail: string | null;
    requesterName: string | null;
    requesterSource: RequesterSource | null;
    reason: string | null;
    ticket: string | null;
  };
  /** The signed-in user is the call's requester (they may not approve it). */
  mine: boolean;
  /** Where the request really went (reach.ts). */
  channels: ApprovalChannel[];
  /** The call's other approval request, if any, and where it stands. */
  others: Array<{ kind: ApprovalKind; status: ApprovalStatus; decidedAt: Date | null; decidedBy: string | null }>;
};

const RESENDS_PER_HOUR = 3;

/**
 * Sends the manager's request again — to the manager's own address stored on the request when it
 * was made, by every channel configured now (e-mail, Slack DM) — for when the first message did not
 * arrive. Technicians may ask for it (audited, at most 3 an hour per request); nobody but the
 * manager ever receives the link, which decides as them.
 */
export async function resendManagerRequest(
  { db, user }: UserContext,
  input: { approvalRequestId: string },
): Promise<{ channels: string[]; to: string }> {
  const [request] = await db
    .select()
    .from(approvalRequests)
    .where(
      and(
        eq(approvalRequests.id, input.approvalRequestId),
        eq(approvalRequests.workspaceId, user.workspaceId),
        eq(approvalRequests.kind, "manager"),
        eq(approvalRequests.status, "pending"),
      ),
    );
  if (!request?.approverEmail) throw new ServiceError("not_found", "No pending manager request by that id.");
  const planned = managerDeliveries(request, {
    smtp: Boolean(await workspaceSmtp(db, user.workspaceId)),
    slack: Boolean(await approvalSlackApp(db, user.workspaceId)),
  });
  if (planned.length === 0)
    throw new ServiceError(
      "conflict",
      "No channel can reach the manager: set up e-mail under Settings → General, or connect Slack, then re-send.",
    );
  const { allowed } = await hitRateLimit(db, `resend-manager:${request.id}`, RESENDS_PER_HOUR, 3600);
  if (!allowed) throw new ServiceError("rate_limited", `This request was already re-sent ${RESENDS_PER_HOUR} times in the last hour.`);
  await db.transaction(async (tx) => {
    await writeDeliveries(tx, user.workspaceId, request.callId, planned);
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      actorType: "user",
      actorId: user.id,
      action: "approval.resent",
      subjectType: "approval",
      subjectId: request.id,
      callId: request.callId,
      data: { to: request.approverEmail, channels: planned.map((plan) => plan.channel) },
    });
  });
  return { channels: planned.map((plan) => plan.channel), to: request.approverEmail };
}
