import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { agents, approvalRequests, approvalVotes, clients, directoryPeople, integrations, toolCalls, tools, workspaces } from "@/db/schema";
import { decidingRuleWords } from "../../policy/rules";
import { grantProblemOfCall } from "../../grants/create-grant";
import type { RequestSummary } from "./request-summary";

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
