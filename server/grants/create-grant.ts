import { and, eq, sql } from "drizzle-orm";
import type { Executor } from "@/db";
import { approvalRequests, directoryPeople, type toolCalls, toolGrants, tools, users, workspaces, type ApprovalKind } from "@/db/schema";
import { recordAudit } from "../audit/record";
import { ServiceError } from "../errors";
import { secretArgumentPaths } from "../gateway/call-secrets";
import { toolPolicyFingerprint } from "../policy/fingerprint";
import { GRANT_HOURS_CEILING, grantableArgumentNames, grantProblem } from "./grantable";

export type GrantOffer = { hours: number; unpinned?: string[] };

type CallRow = typeof toolCalls.$inferSelect;

/** Whether this call may become a grant at all (and, for an offer, whether the offer is within bounds). */
export async function checkGrantOffer(tx: Executor, call: CallRow, offer: GrantOffer): Promise<void> {
  const [workspace] = await tx.select({ maxHours: workspaces.grantMaxHours }).from(workspaces).where(eq(workspaces.id, call.workspaceId));
  const maxHours = Math.min(workspace?.maxHours ?? 0, GRANT_HOURS_CEILING);
  if (!Number.isInteger(offer.hours) || offer.hours < 1 || offer.hours > maxHours)
    throw new ServiceError("invalid_input", `A grant lasts from 1 to ${maxHours} hours in this workspace (asked: ${offer.hours}).`);
  const names = grantableArgumentNames(call.arguments);
  const unknown = (offer.unpinned ?? []).filter((name) => !names.includes(name));
  if (unknown.length)
    throw new ServiceError("invalid_input", `The call has no argument named ${unknown.map((name) => `"${name}"`).join(", ")} to unpin.`);
  const problem = await grantProblemOfCall(tx, call);
  if (problem) throw new ServiceError("invalid_input", problem);
}

/** `grantProblem` for a stored call: its tool's write-only arguments, its manager request, its requester's source. */
export async function grantProblemOfCall(tx: Executor, call: CallRow): Promise<string | null> {
  const [tool] = call.toolId
    ? await tx
        .select({ definitionHash: tools.definitionHash, inputSchema: tools.inputSchema })
        .from(tools)
        .where(and(eq(tools.id, call.toolId), eq(tools.workspaceId, call.workspaceId)))
    : [];
  if (!tool) return "The call's tool no longer exists.";
  const kinds = await tx.select({ kind: approvalRequests.kind }).from(approvalRequests).where(eq(approvalRequests.callId, call.id));
  return grantProblem({
    hasSecretArguments: secretArgumentPaths(tool.definitionHash, tool.inputSchema).length > 0,
    needsManager: kinds.some((row) => row.kind === "manager"),
    requesterVerified: call.requesterSource === "verified_by_ticket",
  });
}

/**
 * Creates the standing grant a just-approved call earned, in the approval's transaction — only when
 * every approval the call needed was given with "allow this again" (a grant needs every approver to
 * grant: the technician alone never grants past the manager, nor one of several technicians past
 * the others). Never wider than any of them chose: the shortest duration, and an argument unpinned
 * only when every approver unpinned it. The requester is pinned only when a ticket verified them.
 * Returns the grant, or null when not every approver granted.
 */
export async function createGrantForApprovedCall(tx: Executor, call: CallRow): Promise<{ id: string; expiresAt: Date } | null> {
  const requests = await tx
    .select({
      kind: approvalRequests.kind,
      status: approvalRequests.status,
      grantHours: approvalRequests.grantHours,
      grantUnpinned: approvalRequests.grantUnpinned,
      userName: users.name,
      personName: directoryPeople.name,
    })
    .from(approvalRequests)
    .leftJoin(users, eq(users.id, approvalRequests.decidedByUserId))
    .leftJoin(directoryPeople, eq(directoryPeople.id, approvalRequests.decidedByPersonId))
    .where(and(eq(approvalRequests.callId, call.id), eq(approvalRequests.workspaceId, call.workspaceId)));
  if (!requests.length || requests.some((request) => request.status !== "approved" || !request.grantHours)) return null;
  if (await grantProblemOfCall(tx, call)) return null;
  const [tool] = await tx
    .select({
      policy: tools.policy,
      managerApproval: tools.managerApproval,
      definitionHash: tools.definitionHash,
      rules: tools.rules,
      integrationId: tools.integrationId,
    })
    .from(tools)
    .where(and(eq(tools.id, call.toolId!), eq(tools.workspaceId, call.workspaceId)));
  if (!tool) return null;
  const names = grantableArgumentNames(call.arguments);
  const unpinned = names.filter((name) => requests.every((request) => (request.grantUnpinned ?? []).includes(name)));
  const pinned = Object.fromEntries(names.filter((name) => !unpinned.includes(name)).map((name) => [name, call.arguments[name]]));
  const hours = Math.min(...requests.map((request) => request.grantHours!));
  const approvedBy = requests.map((request) => request.userName ?? request.personName ?? request.kind).join(" and ");
  const [grant] = await tx
    .insert(toolGrants)
    .values({
      workspaceId: call.workspaceId,
      agentId: call.agentId,
      integrationId: tool.integrationId,
      toolId: call.toolId!,
      clientId: call.clientId,
      callId: call.id,
      pinnedArguments: pinned,
      unpinnedArguments: unpinned,
      requesterEmail: call.requesterSource === "verified_by_ticket" ? call.requesterEmail : null,
      approvals: requests.map((request) => request.kind) as ApprovalKind[],
      approvedBy,
      policyFingerprint: toolPolicyFingerprint(tool),
      // The database's clock, like the gateway's `expires_at > now()`.
      expiresAt: sql`now() + make_interval(hours => ${hours})`,
    })
    .returning({ id: toolGrants.id, expiresAt: toolGrants.expiresAt });
  await recordAudit(tx, {
    workspaceId: call.workspaceId,
    actorType: "system",
    action: "grant.created",
    clientId: call.clientId,
    subjectType: "grant",
    subjectId: grant!.id,
    callId: call.id,
    data: {
      tool: `${call.integrationSlug}/${call.toolName}`,
      hours,
      approvedBy,
      pinned: Object.keys(pinned),
      unpinned,
      requester: call.requesterSource === "verified_by_ticket" ? call.requesterEmail : null,
    },
  });
  return grant!;
}
