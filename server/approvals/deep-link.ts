import { and, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { approvalRequests, directoryPeople, users, type ApprovalKind, type CallStatus } from "@/db/schema";
import { recordAudit } from "../audit/record";
import { isServiceError } from "../errors";
import { hitRateLimit } from "../rate-limit";
import { grantProblemOfCall } from "../grants/create-grant";
import { QUICK_GRANT_HOURS } from "../grants/grantable";
import { decideApproval, type DecisionActor } from "./decide";
import { loadRequestSummary, type RequestSummary } from "./summary";
import { checkApprovalCsrfToken, findApprovalToken, markTokenUsed, type FoundToken } from "./tokens";

const UNKNOWN_TOKENS_PER_MINUTE = 20;

export type LinkView =
  | { state: "unknown" }
  | { state: "rate_limited" }
  | { state: "expired"; summary: RequestSummary }
  | {
      state: "open";
      summary: RequestSummary;
      approverName: string;
      isManager: boolean;
      /** Offer "Approve for 1 h" (a standing grant): false when this call cannot be granted. */
      canGrant: boolean;
    }
  | {
      state: "closed";
      summary: RequestSummary;
      requestStatus: string;
      callStatus: CallStatus;
      /** Why the call ended, when it was cancelled (its reason code: server/calls/labels.ts). */
      callErrorCode: string | null;
      /** The call's other requests still waiting for a decision (after this one was approved). */
      waitingFor: ApprovalKind[];
      decidedBy: string | null;
      decidedAt: Date | null;
      comment: string | null;
      byThisLink: boolean;
    };

async function throttleUnknown(db: Database, clientAddress: string | null): Promise<"unknown" | "rate_limited"> {
  const { allowed } = await hitRateLimit(db, `approve-token:${clientAddress ?? "unknown"}`, UNKNOWN_TOKENS_PER_MINUTE, 60);
  return allowed ? "unknown" : "rate_limited";
}

async function approverName(db: Database, found: FoundToken): Promise<string> {
  if (found.token.approverUserId)
    return (await db.select({ name: users.name }).from(users).where(eq(users.id, found.token.approverUserId)))[0]?.name ?? "you";
  return (
    (
      await db
        .select({ name: directoryPeople.name })
        .from(directoryPeople)
        .where(eq(directoryPeople.id, found.token.approverPersonId ?? ""))
    )[0]?.name ?? "you"
  );
}

async function closedView(db: Database, found: FoundToken, summary: RequestSummary): Promise<LinkView> {
  const [request] = await db
    .select({
      status: approvalRequests.status,
      decidedAt: approvalRequests.decidedAt,
      comment: approvalRequests.comment,
      byUser: users.name,
      byPerson: directoryPeople.name,
    })
    .from(approvalRequests)
    .leftJoin(users, eq(users.id, approvalRequests.decidedByUserId))
    .leftJoin(directoryPeople, eq(directoryPeople.id, approvalRequests.decidedByPersonId))
    .where(eq(approvalRequests.id, found.request.id));
  const waiting = await db
    .select({ kind: approvalRequests.kind })
    .from(approvalRequests)
    .where(and(eq(approvalRequests.callId, found.call.id), eq(approvalRequests.status, "pending")));
  return {
    state: "closed",
    summary,
    requestStatus: request?.status ?? found.request.status,
    callStatus: found.call.status,
    callErrorCode: found.call.errorCode,
    waitingFor: waiting.map((row) => row.kind),
    decidedBy: request?.byUser ?? request?.byPerson ?? null,
    decidedAt: request?.decidedAt ?? null,
    comment: request?.comment ?? null,
    byThisLink: found.token.usedAt !== null,
  };
}

/**
 * What a deep link shows. Opening it (a GET, as chat unfurlers and mail scanners do) never decides
 * anything. More than 20 unknown tokens a minute from one address are refused; a token that
 * verifies is looked up first and never refused by them (guesses cannot lock a manager out).
 */
export async function viewApprovalLink(db: Database, token: string, clientAddress: string | null): Promise<LinkView> {
  const found = await findApprovalToken(db, token);
  if (!found) return (await throttleUnknown(db, clientAddress)) === "unknown" ? { state: "unknown" } : { state: "rate_limited" };
  const summary = await loadRequestSummary(db, found.request.id);
  if (found.token.usedAt || found.request.status !== "pending" || found.call.status !== "pending_approval")
    return closedView(db, found, summary);
  if (found.token.expiresAt.getTime() < Date.now() || found.request.expiresAt.getTime() < Date.now()) return { state: "expired", summary };
  return {
    state: "open",
    summary,
    approverName: await approverName(db, found),
    isManager: found.request.kind === "manager",
    canGrant: (await grantProblemOfCall(db, found.call)) === null,
  };
}

export type LinkDecision = {
  token: string;
  csrf: string;
  decision: "approve" | "approve_for_1h" | "deny" | "not_my_report";
  comment: string | null;
  clientAddress: string | null;
};
export type LinkDecisionResult = { status: 303 | 403 | 404 | 409 | 410 | 429; message: string };

/**
 * A decision posted from the deep-link page. The token says who decides (one approver of one
 * request); a used token cannot decide again (410, audited), nor can an expired one; the form
 * carries a CSRF token bound to the deep link. A double tap lands on the already-decided page.
 */
export async function decideByLink(db: Database, input: LinkDecision): Promise<LinkDecisionResult> {
  const found = await findApprovalToken(db, input.token);
  if (!found) {
    const state = await throttleUnknown(db, input.clientAddress);
    return state === "rate_limited"
      ? { status: 429, message: "Too many invalid links from this address; wait a minute." }
      : { status: 404, message: "This approval link is not valid." };
  }
  if (!checkApprovalCsrfToken(input.token, input.csrf))
    return { status: 403, message: "The form could not be verified; open the link again and retry." };
  if (found.token.usedAt) {
    await recordAudit(db, {
      workspaceId: found.call.workspaceId,
      actorType: "approver",
      action: "approval.token_replayed",
      clientId: found.call.clientId,
      subjectType: "approval",
      subjectId: found.request.id,
      callId: found.call.id,
      data: { clientAddress: input.clientAddress },
    });
    return { status: 410, message: "This link has already been used; the decision stands." };
  }
  if (found.token.expiresAt.getTime() < Date.now()) return { status: 410, message: "This approval link has expired." };
  const actor: DecisionActor = found.token.approverUserId
    ? { kind: "user", userId: found.token.approverUserId, via: "deep_link" }
    : { kind: "person", personId: found.token.approverPersonId!, via: "deep_link" };
  if (input.decision === "not_my_report" && found.request.kind !== "manager")
    return { status: 403, message: "Only managers can answer “Not my report”." };
  try {
    const outcome = await decideApproval(db, {
      workspaceId: found.call.workspaceId,
      approvalRequestId: found.request.id,
      decision: input.decision === "approve" || input.decision === "approve_for_1h" ? "approve" : "deny",
      grant: input.decision === "approve_for_1h" ? { hours: QUICK_GRANT_HOURS } : null,
      notMyReport: input.decision === "not_my_report",
      comment:
        input.decision === "not_my_report" ? (input.comment ?? "Not my report: the directory names the wrong manager.") : input.comment,
      actor,
    });
    if (outcome.outcome === "decided") {
      await markTokenUsed(db, found.token.id);
      return { status: 303, message: "Decided." };
    }
    return {
      status: 409,
      message: outcome.reason
        ? `Nothing was decided: ${outcome.reason}`
        : `This request was already ${outcome.status}${outcome.decidedBy ? ` by ${outcome.decidedBy}` : ""}.`,
    };
  } catch (error) {
    if (isServiceError(error)) return { status: error.code === "not_allowed_to_decide" ? 403 : 409, message: error.message };
    throw error;
  }
}
