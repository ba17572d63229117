import { and, eq, ne, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { approvalRequests, directoryPeople, toolCalls, users, type ApprovalStatus, type DecisionChannel } from "@/db/schema";
import { recordAudit } from "../audit/record";
import { ServiceError } from "../errors";
import { publishEvent } from "../events/bus";
import { enqueueJobs, type NewJob } from "../jobs/enqueue";

export type DecisionActor =
  { kind: "user"; userId: string; via: DecisionChannel } | { kind: "person"; personId: string; via: DecisionChannel };

export type ApprovalDecisionInput = {
  workspaceId: string;
  approvalRequestId: string;
  decision: "approve" | "deny";
  comment?: string | null;
  /** A manager declining because the directory is wrong ("Not my report"). */
  notMyReport?: boolean;
  actor: DecisionActor;
};

export type ApprovalDecisionOutcome =
  | { outcome: "decided"; status: "approved" | "denied"; callId: string; callStatus: string }
  | { outcome: "already_decided"; status: ApprovalStatus; callId: string; decidedBy: string | null; decidedAt: Date | null };

/** Who decided a request, in words (for "already decided by …"). */
async function deciderName(db: Database, request: typeof approvalRequests.$inferSelect): Promise<string | null> {
  if (request.decidedByUserId)
    return (await db.select({ name: users.name }).from(users).where(eq(users.id, request.decidedByUserId)))[0]?.name ?? null;
  if (request.decidedByPersonId)
    return (
      (await db.select({ name: directoryPeople.name }).from(directoryPeople).where(eq(directoryPeople.id, request.decidedByPersonId)))[0]
        ?.name ?? null
    );
  return null;
}

/** Refuses an actor who may not decide this request, saying why. */
async function assertMayDecide(
  db: Database,
  request: typeof approvalRequests.$inferSelect,
  call: typeof toolCalls.$inferSelect,
  actor: DecisionActor,
): Promise<string> {
  if (request.kind === "technician") {
    if (actor.kind !== "user")
      throw new ServiceError("not_allowed_to_decide", "Only a technician or admin of the MSP can decide the technician request.");
    const [user] = await db
      .select({ email: users.email, name: users.name, active: users.active })
      .from(users)
      .where(and(eq(users.id, actor.userId), eq(users.workspaceId, request.workspaceId)));
    if (!user?.active)
      throw new ServiceError("not_allowed_to_decide", "Only an active technician or admin of this MSP can decide this request.");
    if (call.requesterEmail && user.email === call.requesterEmail)
      throw new ServiceError("not_allowed_to_decide", "You are the requester of this call: someone else must approve it.");
    return user.name;
  }
  if (actor.kind !== "person" || actor.personId !== request.approverPersonId) {
    throw new ServiceError("not_allowed_to_decide", "Only the requester's manager, to whom this request was sent, can decide it.");
  }
  const [person] = await db
    .select({ name: directoryPeople.name, email: directoryPeople.email })
    .from(directoryPeople)
    .where(eq(directoryPeople.id, actor.personId));
  if (!person) throw new ServiceError("not_allowed_to_decide", "This manager is no longer in the client's directory.");
  if (call.requesterEmail && person.email === call.requesterEmail)
    throw new ServiceError("not_allowed_to_decide", "The requester cannot approve their own request.");
  return person.name;
}

/**
 * Records one approver's decision. The call row is locked first, so concurrent decisions on one
 * call (technician and manager at once, or many clicks) are applied one after the other; each is a
 * conditional update, and the loser is told the request was already decided. A denial denies the
 * call and closes the other request; the last approval moves the call to `approved` and writes the
 * durable job that executes it — all in one transaction with their audit events.
 */
export async function decideApproval(db: Database, input: ApprovalDecisionInput): Promise<ApprovalDecisionOutcome> {
  const [request] = await db
    .select()
    .from(approvalRequests)
    .where(and(eq(approvalRequests.id, input.approvalRequestId), eq(approvalRequests.workspaceId, input.workspaceId)));
  if (!request) throw new ServiceError("not_found", "No such approval request.");
  const [call] = await db.select().from(toolCalls).where(eq(toolCalls.id, request.callId));
  if (!call) throw new ServiceError("not_found", "No such call.");
  const actorName = await assertMayDecide(db, request, call, input.actor);
  if (request.argumentsDigest !== call.argumentsDigest)
    throw new ServiceError("conflict", "The call's arguments no longer match what was asked for approval; it cannot be approved.");

  const result = await db.transaction(async (tx) => {
    await tx.select({ id: toolCalls.id }).from(toolCalls).where(eq(toolCalls.id, call.id)).for("update");
    const status: "approved" | "denied" = input.decision === "approve" ? "approved" : "denied";
    const [decided] = await tx
      .update(approvalRequests)
      .set({
        status,
        decidedByUserId: input.actor.kind === "user" ? input.actor.userId : null,
        decidedByPersonId: input.actor.kind === "person" ? input.actor.personId : null,
        decidedVia: input.actor.via,
        comment: input.comment?.trim() || null,
        denialKind: input.decision === "deny" && input.notMyReport ? "not_my_report" : null,
        decidedAt: sql`now()`,
      })
      .where(and(eq(approvalRequests.id, request.id), eq(approvalRequests.status, "pending")))
      .returning();
    if (!decided) return null;
    const audit = {
      workspaceId: call.workspaceId,
      actorType: input.actor.kind === "user" ? ("user" as const) : ("approver" as const),
      actorId: input.actor.kind === "user" ? input.actor.userId : input.actor.personId,
      clientId: call.clientId,
      subjectType: "approval",
      subjectId: request.id,
      callId: call.id,
    };
    await recordAudit(tx, {
      ...audit,
      action: `approval.${status}`,
      data: {
        kind: request.kind,
        via: input.actor.via,
        by: actorName,
        comment: input.comment ?? null,
        notMyReport: Boolean(input.notMyReport),
      },
    });
    const jobs: NewJob[] = [
      { kind: "update_approval_messages", workspaceId: call.workspaceId, payload: { approvalRequestId: request.id } },
    ];
    let callStatus = call.status as string;

    if (status === "denied") {
      const [denied] = await tx
        .update(toolCalls)
        .set({
          status: "denied",
          decidedAt: sql`now()`,
          finishedAt: sql`now()`,
          errorCode: "denied",
          errorMessage: `Denied by the ${request.kind}${input.comment ? `: ${input.comment}` : "."}`,
        })
        .where(and(eq(toolCalls.id, call.id), eq(toolCalls.status, "pending_approval")))
        .returning({ id: toolCalls.id });
      if (denied) {
        callStatus = "denied";
        const others = await tx
          .update(approvalRequests)
          .set({ status: "cancelled", decidedAt: sql`now()` })
          .where(and(eq(approvalRequests.callId, call.id), eq(approvalRequests.status, "pending"), ne(approvalRequests.id, request.id)))
          .returning({ id: approvalRequests.id });
        await recordAudit(tx, {
          ...audit,
          subjectType: "call",
          subjectId: call.id,
          action: "call.denied",
          data: { by: actorName, kind: request.kind, notMyReport: Boolean(input.notMyReport) },
        });
        jobs.push(
          ...others.map((other) => ({
            kind: "update_approval_messages",
            workspaceId: call.workspaceId,
            payload: { approvalRequestId: other.id },
          })),
        );
        jobs.push({ kind: "agent_call_webhook", workspaceId: call.workspaceId, payload: { callId: call.id } });
      }
    } else {
      const [pending] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(approvalRequests)
        .where(and(eq(approvalRequests.callId, call.id), ne(approvalRequests.status, "approved")));
      if (Number(pending?.n ?? 1) === 0) {
        const [approved] = await tx
          .update(toolCalls)
          .set({ status: "approved", decidedAt: sql`now()` })
          .where(and(eq(toolCalls.id, call.id), eq(toolCalls.status, "pending_approval")))
          .returning({ id: toolCalls.id });
        if (approved) {
          callStatus = "approved";
          await recordAudit(tx, {
            ...audit,
            subjectType: "call",
            subjectId: call.id,
            action: "call.approved",
            data: { lastApprovalBy: actorName },
          });
          jobs.push({ kind: "execute_call", workspaceId: call.workspaceId, payload: { callId: call.id } });
        }
      }
    }
    await enqueueJobs(tx, jobs);
    await publishEvent(tx, { type: "call", workspaceId: call.workspaceId, callId: call.id, status: callStatus });
    return { outcome: "decided" as const, status, callId: call.id, callStatus };
  });
  if (result) return result;
  const [current] = await db.select().from(approvalRequests).where(eq(approvalRequests.id, request.id));
  return {
    outcome: "already_decided",
    status: current!.status,
    callId: call.id,
    decidedBy: await deciderName(db, current!),
    decidedAt: current!.decidedAt,
  };
}
