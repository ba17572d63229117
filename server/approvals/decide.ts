import { and, eq, ne, sql } from "drizzle-orm";
import type { Database, Executor, Transaction } from "@/db";
import { approvalRequests, approvalVotes, directoryPeople, toolCalls, users, type ApprovalStatus, type DecisionChannel } from "@/db/schema";
import { recordAudit } from "../audit/record";
import { ServiceError } from "../errors";
import { publishEvent } from "../events/bus";
import { cancelCalls } from "../gateway/cancel-calls";
import { enqueueJobs, type NewJob } from "../jobs/enqueue";
import { decideCallAlreadyMade } from "../policy/open-call-decisions";
import { checkGrantOffer, createGrantForApprovedCall, type GrantOffer } from "../grants/create-grant";
import { personKeyOfEmail, samePerson, type ApproverIdentity } from "./identity";

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
  /** "Approve, and allow this again for N hours": the approver's offer of a standing grant (server/grants). */
  grant?: GrantOffer | null;
};

/** Where a technician request stands under the two-person rule: distinct technicians who approved, of those needed. */
export type TechnicianVotes = { given: number; required: number };

export type ApprovalDecisionOutcome =
  | {
      outcome: "decided";
      status: "approved" | "denied";
      callId: string;
      callStatus: string;
      /** The standing grant this approval completed (every approver granted), if any. */
      grant?: { id: string; expiresAt: Date } | null;
      /** For a technician approval: the approvals given so far (this one included) and how many are needed. */
      votes: TechnicianVotes | null;
    }
  | {
      outcome: "already_decided";
      status: ApprovalStatus;
      callId: string;
      decidedBy: string | null;
      decidedAt: Date | null;
      /** For a request cancelled with its call: why, in words. */
      reason: string | null;
    };

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

/** The actor as a person (ids and e-mail), for the self-approval and two-people checks. */
async function identityOf(
  db: Executor,
  workspaceId: string,
  actor: DecisionActor,
): Promise<ApproverIdentity & { name: string; active: boolean }> {
  if (actor.kind === "user") {
    const [user] = await db
      .select({ email: users.email, name: users.name, active: users.active })
      .from(users)
      .where(and(eq(users.id, actor.userId), eq(users.workspaceId, workspaceId)));
    return { userId: actor.userId, personId: null, email: user?.email ?? null, name: user?.name ?? "", active: Boolean(user?.active) };
  }
  const [person] = await db
    .select({ name: directoryPeople.name, email: directoryPeople.email })
    .from(directoryPeople)
    .where(and(eq(directoryPeople.id, actor.personId), eq(directoryPeople.workspaceId, workspaceId)));
  return { userId: null, personId: actor.personId, email: person?.email ?? null, name: person?.name ?? "", active: Boolean(person) };
}

/**
 * Refuses an actor who may not decide this request, saying why: the wrong kind of approver, the
 * requester themself, or someone who already decided another request of the same call (two
 * approvals mean two people — compared by user, Directory person and e-mail person key, whatever
 * the channel). Runs with the call row locked, so two decisions cannot both pass it. Returns the
 * actor's name.
 */
async function assertMayDecide(
  db: Executor,
  request: typeof approvalRequests.$inferSelect,
  call: typeof toolCalls.$inferSelect,
  actor: DecisionActor,
): Promise<string> {
  if (request.kind === "technician" && actor.kind !== "user")
    throw new ServiceError("not_allowed_to_decide", "Only a technician or admin of the MSP can decide the technician request.");
  if (request.kind === "manager" && (actor.kind !== "person" || actor.personId !== request.approverPersonId))
    throw new ServiceError("not_allowed_to_decide", "Only the requester's manager, to whom this request was sent, can decide it.");
  const identity = await identityOf(db, request.workspaceId, actor);
  if (!identity.active)
    throw new ServiceError(
      "not_allowed_to_decide",
      actor.kind === "user"
        ? "Only an active technician or admin of this MSP can decide this request."
        : "This manager is no longer in the client's directory.",
    );
  const requester = { userId: null, personId: call.requesterPersonId, email: call.requesterEmail };
  if (samePerson(identity, requester))
    throw new ServiceError(
      "not_allowed_to_decide",
      actor.kind === "user"
        ? "You are the requester of this call: someone else must approve it."
        : "The requester cannot approve their own request.",
    );
  // The two-person rule: each technician who already approved this request, or any other request of the call.
  const votes = await db
    .select({ approvalRequestId: approvalVotes.approvalRequestId, userId: approvalVotes.userId, personKey: approvalVotes.personKey })
    .from(approvalVotes)
    .where(eq(approvalVotes.callId, call.id));
  const identityKey = identity.email ? personKeyOfEmail(identity.email) : null;
  for (const vote of votes) {
    if (!(vote.userId === identity.userId || (identityKey !== null && vote.personKey === identityKey))) continue;
    throw new ServiceError(
      "not_allowed_to_decide",
      vote.approvalRequestId === request.id
        ? `You already approved this request: it needs ${request.requiredApprovals} different technicians, and the same person never counts twice.`
        : `You already decided the technician request of this call: the ${request.kind} approval must come from someone else.`,
    );
  }
  const others = await db
    .select({
      kind: approvalRequests.kind,
      userId: users.id,
      userEmail: users.email,
      personId: directoryPeople.id,
      personEmail: directoryPeople.email,
    })
    .from(approvalRequests)
    .leftJoin(users, eq(users.id, approvalRequests.decidedByUserId))
    .leftJoin(directoryPeople, eq(directoryPeople.id, approvalRequests.decidedByPersonId))
    .where(and(eq(approvalRequests.callId, call.id), ne(approvalRequests.id, request.id)));
  for (const other of others) {
    const decider = { userId: other.userId, personId: other.personId, email: other.userEmail ?? other.personEmail };
    if ((decider.userId || decider.personId) && samePerson(identity, decider))
      throw new ServiceError(
        "not_allowed_to_decide",
        `You already decided the ${other.kind} request of this call: the ${request.kind} approval must come from someone else.`,
      );
  }
  return identity.name;
}

/**
 * Records one technician's approval of a technician request (who, when, channel), with the call
 * row locked by the caller; the unique indexes refuse a second vote by the same user or e-mail
 * person key even if the check before were bypassed. While fewer distinct technicians than the
 * request needs have approved, the vote is audited and the request's messages are refreshed
 * ("1 of 2 technicians approved"); the caller completes the request on the last one.
 */
async function recordVote(
  tx: Transaction,
  request: typeof approvalRequests.$inferSelect,
  call: typeof toolCalls.$inferSelect,
  input: ApprovalDecisionInput & { actor: Extract<DecisionActor, { kind: "user" }> },
  actorName: string,
): Promise<TechnicianVotes> {
  const [voter] = await tx
    .select({ email: users.email })
    .from(users)
    .where(and(eq(users.id, input.actor.userId), eq(users.workspaceId, call.workspaceId)));
  const inserted = await tx
    .insert(approvalVotes)
    .values({
      workspaceId: call.workspaceId,
      approvalRequestId: request.id,
      callId: call.id,
      userId: input.actor.userId,
      personKey: voter?.email ? personKeyOfEmail(voter.email) : `user:${input.actor.userId}`,
      via: input.actor.via,
      comment: input.comment?.trim() || null,
    })
    .onConflictDoNothing()
    .returning({ id: approvalVotes.id });
  if (inserted.length === 0)
    throw new ServiceError("not_allowed_to_decide", "You already approved this request: the same person never counts twice.");
  const [counted] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(approvalVotes)
    .where(eq(approvalVotes.approvalRequestId, request.id));
  const votes = { given: Number(counted?.n ?? 0), required: request.requiredApprovals };
  if (votes.given < votes.required) {
    await recordAudit(tx, {
      workspaceId: call.workspaceId,
      actorType: "user",
      actorId: input.actor.userId,
      clientId: call.clientId,
      subjectType: "approval",
      subjectId: request.id,
      callId: call.id,
      action: "approval.vote",
      data: { via: input.actor.via, by: actorName, comment: input.comment ?? null, given: votes.given, required: votes.required },
    });
    await enqueueJobs(tx, [
      { kind: "update_approval_messages", workspaceId: call.workspaceId, payload: { approvalRequestId: request.id } },
    ]);
    await publishEvent(tx, { type: "call", workspaceId: call.workspaceId, callId: call.id, status: call.status });
  }
  return votes;
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

  const result = await db.transaction(async (tx) => {
    // Decisions on one call are applied one after the other, each seeing the previous one.
    const [call] = await tx.select().from(toolCalls).where(eq(toolCalls.id, request.callId)).for("update");
    if (!call) throw new ServiceError("not_found", "No such call.");
    // The request as it stands now (the row read before the lock may be stale): a decided one takes no vote.
    const [current] = await tx.select().from(approvalRequests).where(eq(approvalRequests.id, request.id)).for("update");
    if (!current || current.status !== "pending") return null;
    const actorName = await assertMayDecide(tx, current, call, input.actor);
    if (request.argumentsDigest !== call.argumentsDigest)
      throw new ServiceError("conflict", "The call's arguments no longer match what was asked for approval; it cannot be approved.");
    // The one decision, with fresh state: a call that may no longer run is cancelled, not decided.
    const verdict = await decideCallAlreadyMade(tx, call.workspaceId, call.id);
    if (!verdict || verdict.decision.kind === "reject") {
      const reason = verdict?.decision.reason ?? "the call cannot be evaluated";
      const code = verdict?.decision.kind === "reject" ? verdict.decision.code : "unknown_tool";
      await cancelCalls(tx, [{ callId: call.id, code, message: `Cancelled before it ran: ${reason}.` }], {
        from: ["pending_approval"],
        actor: { type: "system", id: null },
        cause: "approval_decision",
      });
      return null;
    }
    const status: "approved" | "denied" = input.decision === "approve" ? "approved" : "denied";
    const offer = status === "approved" ? (input.grant ?? null) : null;
    // Under the two-person rule a grant would hold on the last technician's word alone: none is offered.
    if (offer && current.kind === "technician" && current.requiredApprovals > 1)
      throw new ServiceError("invalid_input", "A standing grant is not offered for a tool that needs two or more technicians' approval.");
    if (offer) await checkGrantOffer(tx, call, offer);
    let votes: TechnicianVotes | null = null;
    if (status === "approved" && request.kind === "technician" && input.actor.kind === "user") {
      votes = await recordVote(tx, current, call, { ...input, actor: input.actor }, actorName);
      // Not yet enough distinct technicians: the vote is recorded, the request still waits.
      if (votes.given < votes.required)
        return { outcome: "decided" as const, status, callId: call.id, callStatus: call.status as string, votes };
    }
    const [decided] = await tx
      .update(approvalRequests)
      .set({
        status,
        decidedByUserId: input.actor.kind === "user" ? input.actor.userId : null,
        decidedByPersonId: input.actor.kind === "person" ? input.actor.personId : null,
        decidedVia: input.actor.via,
        comment: input.comment?.trim() || null,
        denialKind: input.decision === "deny" && input.notMyReport ? "not_my_report" : null,
        grantHours: offer?.hours ?? null,
        grantUnpinned: offer ? (offer.unpinned ?? []) : null,
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
        ...(offer ? { grantHours: offer.hours, grantUnpinned: offer.unpinned ?? [] } : {}),
      },
    });
    const jobs: NewJob[] = [
      { kind: "update_approval_messages", workspaceId: call.workspaceId, payload: { approvalRequestId: request.id } },
    ];
    let callStatus = call.status as string;
    let grant: { id: string; expiresAt: Date } | null = null;

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
          ...others.map((other): NewJob => ({
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
          grant = await createGrantForApprovedCall(tx, call);
        }
      }
    }
    await enqueueJobs(tx, jobs);
    await publishEvent(tx, { type: "call", workspaceId: call.workspaceId, callId: call.id, status: callStatus });
    return { outcome: "decided" as const, status, callId: call.id, callStatus, grant, votes };
  });
  if (result) return result;
  const [current] = await db
    .select({ request: approvalRequests, callError: toolCalls.errorMessage })
    .from(approvalRequests)
    .innerJoin(toolCalls, eq(toolCalls.id, approvalRequests.callId))
    .where(eq(approvalRequests.id, request.id));
  return {
    outcome: "already_decided",
    status: current!.request.status,
    callId: request.callId,
    decidedBy: await deciderName(db, current!.request),
    decidedAt: current!.request.decidedAt,
    reason: current!.request.status === "cancelled" ? current!.callError : null,
  };
}
