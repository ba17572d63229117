import { and, eq, inArray, sql } from "drizzle-orm";
import type { Executor } from "@/db";
import { approvalRequests, toolCalls, type AuditActorType, type CallStatus } from "@/db/schema";
import { recordAudit } from "../audit/record";
import { publishEvent } from "../events/bus";
import { enqueueJobs, type NewJob } from "../jobs/enqueue";
import { decideOpenCalls } from "../policy/open-call-decisions";

export type Cancellation = { callId: string; code: string; message: string };
export type CancelActor = { type: AuditActorType; id: string | null };

/**
 * Cancels calls that have not run, inside the caller's transaction: each call only if it is still
 * in one of `from` (a conditional update: a call that already started or ended is left alone), its
 * open approval requests with it; one audit event per call; and, after commit, the approvers'
 * messages updated (they say it was cancelled, and why) and the agent's `call.finished` webhook.
 * Returns the ids actually cancelled.
 */
export async function cancelCalls(
  tx: Executor,
  cancellations: Cancellation[],
  options: { from: CallStatus[]; actor: CancelActor; cause: string },
): Promise<string[]> {
  if (cancellations.length === 0) return [];
  const byId = new Map(cancellations.map((cancellation) => [cancellation.callId, cancellation]));
  const cancelled = await tx
    .update(toolCalls)
    .set({
      status: "cancelled",
      finishedAt: sql`clock_timestamp()`,
      errorCode: sql`(${JSON.stringify(Object.fromEntries(cancellations.map((c) => [c.callId, c.code])))}::jsonb ->> ${toolCalls.id})`,
      errorMessage: sql`(${JSON.stringify(Object.fromEntries(cancellations.map((c) => [c.callId, c.message])))}::jsonb ->> ${toolCalls.id})`,
    })
    .where(and(inArray(toolCalls.id, [...byId.keys()]), inArray(toolCalls.status, options.from)))
    .returning({ id: toolCalls.id, workspaceId: toolCalls.workspaceId, clientId: toolCalls.clientId });
  if (cancelled.length === 0) return [];
  const ids = cancelled.map((call) => call.id);
  await tx
    .update(approvalRequests)
    .set({ status: "cancelled", decidedAt: sql`now()` })
    .where(and(inArray(approvalRequests.callId, ids), eq(approvalRequests.status, "pending")));
  const requests = await tx
    .select({ id: approvalRequests.id, callId: approvalRequests.callId })
    .from(approvalRequests)
    .where(inArray(approvalRequests.callId, ids));
  await recordAudit(
    tx,
    cancelled.map((call) => ({
      workspaceId: call.workspaceId,
      actorType: options.actor.type,
      actorId: options.actor.id,
      action: "call.cancelled",
      clientId: call.clientId,
      subjectType: "call",
      subjectId: call.id,
      callId: call.id,
      data: { code: byId.get(call.id)!.code, reason: byId.get(call.id)!.message, cause: options.cause },
    })),
  );
  const jobs: NewJob[] = [
    ...requests.map((request): NewJob => ({
      kind: "update_approval_messages",
      workspaceId: cancelled[0]!.workspaceId,
      payload: { approvalRequestId: request.id },
    })),
    ...cancelled.map((call): NewJob => ({ kind: "agent_call_webhook", workspaceId: call.workspaceId, payload: { callId: call.id } })),
  ];
  await enqueueJobs(tx, jobs);
  for (const call of cancelled)
    await publishEvent(tx, { type: "call", workspaceId: call.workspaceId, callId: call.id, status: "cancelled" });
  return ids;
}

/**
 * Stop means stop: after a change to what agents may do (a pause, a key revoked, a scope narrowed,
 * an integration paused, a policy saved, a tool re-synced), re-decides every call of the workspace
 * that waits for approval or is approved but not yet running, and cancels those the decision no
 * longer allows — in the transaction of the change, so no approval can slip in between. The
 * decision before execution remains the backstop for a change that commits while a call starts.
 */
export async function stopCallsNoLongerAllowed(
  tx: Executor,
  input: { workspaceId: string; cause: string; actor: CancelActor },
): Promise<string[]> {
  const verdicts = await decideOpenCalls(tx, input.workspaceId);
  const stopped = verdicts.flatMap(({ call, decision }) =>
    decision.kind === "reject" ? [{ callId: call.id, code: decision.code, message: `Cancelled before it ran: ${decision.reason}.` }] : [],
  );
  return cancelCalls(tx, stopped, { from: ["pending_approval", "approved"], actor: input.actor, cause: input.cause });
}
