import { eq } from "drizzle-orm";
import { newId } from "@/db/ids";
import { agents, toolCalls } from "@/db/schema";
import { recordAudit } from "../audit/record";
import { countPendingCalls, createApprovalRequests } from "../approvals/create";
import { managerChannels } from "../approvals/manager-reach";
import { reachesOnlyInbox, type ApprovalChannel } from "../approvals/channel-words";
import { loadReachSetup, requestChannels } from "../approvals/reach";
import { resolveRequester } from "../approvals/resolve-requester";
import { requesterFromTicket } from "../approvals/verify-ticket";
import { isServiceError } from "../errors";
import type { Decision } from "../policy/decide";
import { auditData, refuse, type CallContext } from "./call-context";
import { rejected, type GatewayOutcome } from "./outcome";
import { sealCallSecrets } from "./call-secrets";
import { insertCallWithAudit, type AuditFields } from "./record-call";

/**
 * The approval path: the requester (confirmed by the ticket where one is named), their manager
 * from the Directory when Manager Approval is on — who must be reachable on some channel, or the
 * call is refused and nothing is created — the per-agent flood limit, then the call and its
 * approval requests in one transaction.
 */
export async function requestApproval(ctx: CallContext, decision: Extract<Decision, { kind: "await_approval" }>): Promise<GatewayOutcome> {
  const { db, resolved, envelope, base, claimedId, secretArguments } = ctx;
  const needsManager = decision.approvals.includes("manager");
  const clientId = resolved.integration!.clientId;
  // The ticket, when one is named and its system is connected, decides who the requester is.
  let requesterEmail = base.requesterEmail;
  let verified = false;
  if (envelope.ticket) {
    try {
      const fromTicket = await requesterFromTicket(db, {
        workspaceId: resolved.workspaceId,
        clientId,
        ticket: envelope.ticket,
        namedEmail: requesterEmail,
      });
      requesterEmail = fromTicket.email;
      verified = fromTicket.verified;
    } catch (error) {
      if (isServiceError(error) && (error.code === "requester_mismatch" || error.code === "upstream_failed"))
        return refuse(ctx, rejected(error.code, error.message));
      throw error;
    }
  }
  const requester = requesterEmail
    ? await resolveRequester(db, { workspaceId: resolved.workspaceId, clientId, email: requesterEmail })
    : null;
  if (needsManager && !requesterEmail) {
    return refuse(
      ctx,
      rejected(
        "requester_manager_unknown",
        'This tool needs the approval of the requester\'s manager: name the requester ({"requester": {"email": "…"}}).',
      ),
    );
  }
  if (needsManager && (!requester?.managerId || !requester.managerEmail)) {
    const message = `No manager is known for ${requesterEmail} in this client's Directory, so Manager Approval cannot be asked. An admin can add them in Toolgate's Directory.`;
    return refuse(ctx, rejected("requester_manager_unknown", message));
  }
  let managerReach: ApprovalChannel[] = [];
  if (needsManager) {
    const channels = await managerChannels(db, {
      workspaceId: resolved.workspaceId,
      manager: { id: requester!.managerId!, email: requester!.managerEmail! },
    });
    managerReach = channels;
    if (channels.length === 0) {
      const message = `${requester!.managerName ?? "The requester's manager"} cannot be reached: e-mail (SMTP) is not set up and they are not on the workspace's Slack. Nothing was created; an admin can set up e-mail under Settings → General or connect Slack.`;
      return refuse(ctx, rejected("manager_unreachable", message));
    }
  }

  // Who will really hear of each request (reach.ts): told to the agent, and a warning on the call
  // when the technician request reaches nobody outside the inbox.
  const setup = await loadReachSetup(db, resolved.workspaceId);
  const reachCall = { requesterEmail, clientId, ticketSystem: envelope.ticket?.system ?? null, ticketId: envelope.ticket?.id ?? null };
  const reach = (kind: (typeof decision.approvals)[number]): ApprovalChannel[] =>
    kind === "manager" ? managerReach : requestChannels(setup, reachCall, { kind });
  const technicianUnreached = decision.approvals.includes("technician") && reachesOnlyInbox(reach("technician"));

  const expiresAt = new Date(Date.now() + resolved.approvalExpirySeconds * 1000);
  const callId = claimedId ?? newId("call");
  const created = await db.transaction(async (tx) => {
    // Serialises this agent's pending-approval count (the flood limit) across instances.
    await tx.select({ id: agents.id }).from(agents).where(eq(agents.id, resolved.agentId)).for("update");
    if ((await countPendingCalls(tx, resolved.agentId)) >= resolved.maxPendingApprovals) return false;
    const fields = {
      status: "pending_approval" as const,
      requesterEmail,
      requesterPersonId: requester?.requesterId ?? null,
      requesterSource: requesterEmail ? (verified ? ("verified_by_ticket" as const) : (base.requesterSource ?? "named_by_agent")) : null,
      expiresAt,
      decisionReason: decision.reason,
      // Write-only arguments wait sealed until the call runs, then are gone.
      secretCiphertext: Object.keys(secretArguments).length ? sealCallSecrets(callId, { arguments: secretArguments }) : null,
    };
    const audit: AuditFields = {
      action: "call.pending_approval",
      data: auditData(ctx, { approvals: decision.approvals, reason: decision.reason }),
    };
    if (claimedId) {
      await tx
        .update(toolCalls)
        .set({ ...fields, startedAt: null })
        .where(eq(toolCalls.id, claimedId));
      await recordAudit(tx, {
        workspaceId: resolved.workspaceId,
        actorType: "agent",
        actorId: resolved.agentId,
        clientId: base.clientId,
        subjectType: "call",
        subjectId: claimedId,
        callId: claimedId,
        ...audit,
      });
    } else {
      await insertCallWithAudit(tx, { ...base, ...fields, id: callId }, audit);
    }
    await createApprovalRequests(tx, {
      workspaceId: resolved.workspaceId,
      callId,
      kinds: decision.approvals,
      technicians: decision.technicians,
      argumentsDigest: base.argumentsDigest,
      expiresAt,
      manager: needsManager ? { personId: requester!.managerId!, email: requester!.managerEmail! } : null,
    });
    if (technicianUnreached)
      await recordAudit(tx, {
        workspaceId: resolved.workspaceId,
        actorType: "system",
        action: "approval.unreached",
        clientId: base.clientId,
        subjectType: "call",
        subjectId: callId,
        callId,
        data: {
          level: "warning",
          message:
            "Nobody is told of this request outside the Approvals inbox: Slack is not connected, e-mail (SMTP) is not set up and no connected ticket is named.",
        },
      });
    return true;
  });
  if (!created) {
    const message = `This agent already has ${resolved.maxPendingApprovals} calls waiting for approval; wait for decisions before asking for more.`;
    return refuse(ctx, rejected("too_many_pending_approvals", message));
  }
  return {
    kind: "pending_approval",
    callId,
    status: "pending_approval",
    approvals: decision.approvals.map((kind) => ({ kind, status: "pending" as const, channels: reach(kind) })),
    expiresAt: expiresAt.toISOString(),
  };
}
