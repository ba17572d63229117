import { and, desc, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { agents, approvalRequests, clients, directoryPeople, integrations, toolCalls, tools, users } from "@/db/schema";
import type { UserContext } from "../context";
import { ServiceError } from "../errors";
import { recordAudit } from "../audit/record";
import { hitRateLimit } from "../rate-limit";
import { approvalSlackApp, workspaceSmtp } from "./deliver/channels";
import { managerDeliveries, writeDeliveries } from "./deliver/plan";

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
      requesterSource: row.call.requesterSource,
      reason: row.call.reason,
      ticket: row.call.ticketSystem ? `${row.call.ticketSystem} ${row.call.ticketId}` : null,
    },
    mine: row.call.requesterEmail === user.email,
  }));
}

export type InboxItem = Awaited<ReturnType<typeof listApprovalInbox>>[number];

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
