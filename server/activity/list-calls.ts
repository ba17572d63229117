import { and, asc, desc, eq, gte, ilike, inArray, isNull, lte, lt, or, sql, type SQL } from "drizzle-orm";
import {
  agents,
  approvalRequests,
  auditEvents,
  clients,
  deliveries,
  directoryPeople,
  jobAttempts,
  toolCalls,
  users,
  type CallStatus,
} from "@/db/schema";
import { loadReachSetup, requestChannels } from "../approvals/reach";
import { runAgainOption } from "../approvals/execute-approved";
import type { UserContext } from "../context";
import { ServiceError } from "../errors";

export type CallFilters = {
  clientId?: string;
  agentId?: string;
  tool?: string;
  /** One integration, and exactly these tool names of it (the impact preview's link to the calls it would change). */
  integrationId?: string;
  tools?: string[];
  /** Free text: tool or integration, ticket id, requester, or an approver (name or e-mail). */
  q?: string;
  status?: CallStatus;
  from?: Date;
  to?: Date;
  /** Keyset pagination: calls created before this one. */
  before?: string;
  limit?: number;
};

function where(workspaceId: string, filters: CallFilters): SQL {
  const conditions: Array<SQL | undefined> = [eq(toolCalls.workspaceId, workspaceId)];
  if (filters.clientId === "msp") conditions.push(isNull(toolCalls.clientId));
  else if (filters.clientId) conditions.push(eq(toolCalls.clientId, filters.clientId));
  if (filters.agentId) conditions.push(eq(toolCalls.agentId, filters.agentId));
  if (filters.tool) {
    const pattern = `%${filters.tool.replace(/[%_\\]/g, "\\$&")}%`;
    conditions.push(or(ilike(toolCalls.toolName, pattern), ilike(toolCalls.integrationSlug, pattern)));
  }
  if (filters.integrationId) conditions.push(eq(toolCalls.integrationId, filters.integrationId));
  if (filters.tools?.length) conditions.push(inArray(toolCalls.toolName, filters.tools));
  if (filters.q) {
    const pattern = `%${filters.q.replace(/[%_\\]/g, "\\$&")}%`;
    conditions.push(
      or(
        ilike(toolCalls.toolName, pattern),
        ilike(toolCalls.integrationSlug, pattern),
        ilike(toolCalls.ticketId, pattern),
        ilike(toolCalls.requesterEmail, pattern),
        // An approver: the manager asked (by e-mail), or whoever decided (a user or a directory person).
        sql`exists (select 1 from approval_requests a
          left join users u on u.id = a.decided_by_user_id
          left join directory_people p on p.id = coalesce(a.decided_by_person_id, a.approver_person_id)
          where a.call_id = "tool_calls"."id" and a.workspace_id = "tool_calls"."workspace_id"
            and (a.approver_email ilike ${pattern} or u.name ilike ${pattern} or u.email ilike ${pattern}
              or p.name ilike ${pattern} or p.email ilike ${pattern}))`,
      ),
    );
  }
  if (filters.status) conditions.push(eq(toolCalls.status, filters.status));
  if (filters.from) conditions.push(gte(toolCalls.createdAt, filters.from));
  if (filters.to) conditions.push(lte(toolCalls.createdAt, filters.to));
  return and(...conditions)!;
}

/** Calls across the MSP or for one client, newest first, filtered; keyset-paginated. */
export async function listCalls({ db, user }: UserContext, filters: CallFilters) {
  const limit = Math.min(filters.limit ?? 100, 5_000);
  let condition = where(user.workspaceId, filters);
  if (filters.before) {
    const [anchor] = await db
      .select({ createdAt: toolCalls.createdAt })
      .from(toolCalls)
      .where(and(eq(toolCalls.id, filters.before), eq(toolCalls.workspaceId, user.workspaceId)));
    if (anchor) condition = and(condition, lt(toolCalls.createdAt, anchor.createdAt))!;
  }
  return db
    .select({
      id: toolCalls.id,
      createdAt: toolCalls.createdAt,
      status: toolCalls.status,
      integration: toolCalls.integrationSlug,
      tool: toolCalls.toolName,
      agentId: toolCalls.agentId,
      agentName: agents.name,
      clientId: toolCalls.clientId,
      clientName: clients.name,
      requesterEmail: toolCalls.requesterEmail,
      ticketSystem: toolCalls.ticketSystem,
      ticketId: toolCalls.ticketId,
      errorCode: toolCalls.errorCode,
      latencyMs: toolCalls.latencyMs,
      argumentsDigest: toolCalls.argumentsDigest,
      decisionReason: toolCalls.decisionReason,
      decisionRule: toolCalls.decisionRule,
    })
    .from(toolCalls)
    .innerJoin(agents, eq(agents.id, toolCalls.agentId))
    .leftJoin(clients, eq(clients.id, toolCalls.clientId))
    .where(condition)
    .orderBy(desc(toolCalls.createdAt), desc(toolCalls.id))
    .limit(limit);
}

export type CallListItem = Awaited<ReturnType<typeof listCalls>>[number];

/** One call with its arguments, result, approvals and timeline (audit events and deliveries). */
export async function getCallDetail({ db, user }: UserContext, input: { callId: string }) {
  const [call] = await db
    .select({ call: toolCalls, agentName: agents.name, clientName: clients.name })
    .from(toolCalls)
    .innerJoin(agents, eq(agents.id, toolCalls.agentId))
    .leftJoin(clients, eq(clients.id, toolCalls.clientId))
    .where(and(eq(toolCalls.id, input.callId), eq(toolCalls.workspaceId, user.workspaceId)));
  if (!call) throw new ServiceError("not_found", "No such call in this workspace.");
  // A manager decides as a Directory person, a technician as a user: name whichever it was.
  const approvals = await db
    .select({
      request: approvalRequests,
      decidedByUser: users.name,
      decidedByPerson: directoryPeople.name,
      approverName: sql<string | null>`(select name from directory_people where id = ${approvalRequests.approverPersonId})`,
      approverSlackId: sql<string | null>`(select slack_user_id from directory_people where id = ${approvalRequests.approverPersonId})`,
    })
    .from(approvalRequests)
    .leftJoin(users, eq(users.id, approvalRequests.decidedByUserId))
    .leftJoin(directoryPeople, eq(directoryPeople.id, approvalRequests.decidedByPersonId))
    .where(and(eq(approvalRequests.callId, input.callId), eq(approvalRequests.workspaceId, user.workspaceId)))
    .orderBy(asc(approvalRequests.kind));
  const reach = approvals.length ? await loadReachSetup(db, user.workspaceId) : null;
  const events = await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.callId, input.callId), eq(auditEvents.workspaceId, user.workspaceId)))
    .orderBy(asc(auditEvents.at));
  const sent = await db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.callId, input.callId), eq(deliveries.workspaceId, user.workspaceId)))
    .orderBy(asc(deliveries.createdAt));
  const jobIds = sent.map((delivery) => delivery.jobId).filter((id): id is string => Boolean(id));
  const attempts = jobIds.length
    ? await db.select().from(jobAttempts).where(inArray(jobAttempts.jobId, jobIds)).orderBy(asc(jobAttempts.startedAt))
    : [];
  const withAttempts = sent.map((delivery) => ({ ...delivery, attempts: attempts.filter((attempt) => attempt.jobId === delivery.jobId) }));
  return {
    ...call.call,
    agentName: call.agentName,
    clientName: call.clientName,
    /** Whether (and how) an admin may run it again: see runAgainOption. */
    runAgain: runAgainOption(call.call, new Date()),
    approvals: approvals.map(({ request, decidedByUser, decidedByPerson, approverName, approverSlackId }) => ({
      ...request,
      decidedByName: decidedByUser ?? decidedByPerson,
      approverName,
      channels: requestChannels(reach!, call.call, {
        kind: request.kind,
        approverEmail: request.approverEmail,
        approverOnSlack: Boolean(approverSlackId),
      }),
    })),
    events,
    deliveries: withAttempts,
    /** Audit events and deliveries in one list, in the order they happened. */
    timeline: [
      ...events.map((event) => ({ type: "event" as const, at: event.at, id: event.id, event })),
      ...withAttempts.map((delivery) => ({ type: "delivery" as const, at: delivery.createdAt, id: delivery.id, delivery })),
    ].sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime()),
  };
}

export type CallDetail = Awaited<ReturnType<typeof getCallDetail>>;
