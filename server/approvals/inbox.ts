import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { agents, approvalRequests, clients, directoryPeople, integrations, toolCalls, tools, users } from "@/db/schema";
import type { UserContext } from "../context";
import { ServiceError } from "../errors";
import { approvalLink, mintApprovalToken } from "./tokens";

const manager = alias(directoryPeople, "manager");
const requester = alias(directoryPeople, "requester");

/** The Approvals inbox: requests waiting for a decision first, then the most recent decisions. */
export async function listApprovalInbox({ db, user }: UserContext, input: { callId?: string } = {}) {
  const rows = await db
    .select({
      request: approvalRequests,
      call: toolCalls,
      agentName: agents.name,
      clientName: clients.name,
      integrationName: integrations.name,
      toolTitle: tools.title,
      managerName: manager.name,
      managerEmail: manager.email,
      requesterName: requester.name,
      decidedByUser: users.name,
    })
    .from(approvalRequests)
    .innerJoin(toolCalls, eq(toolCalls.id, approvalRequests.callId))
    .innerJoin(agents, eq(agents.id, toolCalls.agentId))
    .leftJoin(clients, eq(clients.id, toolCalls.clientId))
    .leftJoin(integrations, eq(integrations.id, toolCalls.integrationId))
    .leftJoin(tools, eq(tools.id, toolCalls.toolId))
    .leftJoin(manager, eq(manager.id, approvalRequests.approverPersonId))
    .leftJoin(requester, eq(requester.id, toolCalls.requesterPersonId))
    .leftJoin(users, eq(users.id, approvalRequests.decidedByUserId))
    .where(and(eq(approvalRequests.workspaceId, user.workspaceId), input.callId ? eq(approvalRequests.callId, input.callId) : undefined))
    .orderBy(sql`case when ${approvalRequests.status} = 'pending' then 0 else 1 end`, desc(approvalRequests.createdAt))
    .limit(200);
  return rows.map((row) => ({
    id: row.request.id,
    kind: row.request.kind,
    status: row.request.status,
    comment: row.request.comment,
    denialKind: row.request.denialKind,
    decidedAt: row.request.decidedAt,
    decidedBy: row.decidedByUser ?? (row.request.decidedByPersonId ? row.managerName : null),
    expiresAt: row.request.expiresAt,
    createdAt: row.request.createdAt,
    managerName: row.managerName,
    managerEmail: row.managerEmail,
    call: {
      id: row.call.id,
      status: row.call.status,
      integration: row.integrationName ?? row.call.integrationSlug,
      tool: row.toolTitle ?? row.call.toolName,
      toolName: row.call.toolName,
      arguments: row.call.arguments,
      agentName: row.agentName,
      clientName: row.clientName,
      requesterEmail: row.call.requesterEmail,
      requesterName: row.requesterName,
      requesterVerified: row.call.requesterSource === "verified_by_ticket",
      reason: row.call.reason,
      ticket: row.call.ticketSystem ? `${row.call.ticketSystem} ${row.call.ticketId}` : null,
    },
    mine: row.call.requesterEmail === user.email,
  }));
}

export type InboxItem = Awaited<ReturnType<typeof listApprovalInbox>>[number];

/**
 * A fresh deep link for the manager of a pending manager request, for technicians to pass on
 * (e.g. when the e-mail did not arrive). The link is the manager's: it decides as them.
 */
export async function issueManagerLink({ db, user }: UserContext, input: { approvalRequestId: string }): Promise<{ link: string }> {
  const [request] = await db
    .select()
    .from(approvalRequests)
    .where(
      and(
        eq(approvalRequests.id, input.approvalRequestId),
        eq(approvalRequests.workspaceId, user.workspaceId),
        eq(approvalRequests.kind, "manager"),
        inArray(approvalRequests.status, ["pending"]),
      ),
    );
  if (!request?.approverPersonId) throw new ServiceError("not_found", "No pending manager request by that id.");
  const token = await mintApprovalToken(db, {
    workspaceId: user.workspaceId,
    approvalRequestId: request.id,
    expiresAt: request.expiresAt,
    approver: { personId: request.approverPersonId },
  });
  return { link: approvalLink(token) };
}
