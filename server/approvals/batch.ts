import { and, eq, inArray } from "drizzle-orm";
import { approvalRequests } from "@/db/schema";
import type { UserContext } from "../context";
import { isServiceError, ServiceError } from "../errors";
import { decideApproval, type TechnicianVotes } from "./decide";

/** The most requests one batch decides (the inbox selects from its pages). */
export const MAX_BATCH = 100;

export type BatchItemOutcome =
  | { approvalRequestId: string; outcome: "decided"; status: "approved" | "denied"; callId: string; votes: TechnicianVotes | null }
  | {
      approvalRequestId: string;
      outcome: "already_decided";
      status: string;
      callId: string;
      decidedBy: string | null;
      reason: string | null;
    }
  | { approvalRequestId: string; outcome: "refused"; message: string };

export type BatchResult = { decided: number; alreadyDecided: number; refused: number; items: BatchItemOutcome[] };

/**
 * Decides several technician requests with one comment, one by one: each goes through the single
 * decision (`decideApproval`: who may decide, self-approval, two people, the two-person rule, the
 * policy decision with fresh state) in its own transaction, so each is decided, audited and
 * executed on its own, exactly once — a request someone else decided meanwhile is reported as
 * already decided, a refused one with why, and neither stops the others. Manager requests are
 * never batched: a batch naming one is refused whole, before anything is decided.
 */
export async function decideApprovalBatch(
  { db, user }: UserContext,
  input: { approvalRequestIds: string[]; decision: "approve" | "deny"; comment?: string | null },
): Promise<BatchResult> {
  const ids = [...new Set(input.approvalRequestIds)];
  if (ids.length === 0) throw new ServiceError("invalid_input", "Select at least one request to decide.");
  if (ids.length > MAX_BATCH) throw new ServiceError("invalid_input", `Decide at most ${MAX_BATCH} requests at once.`);
  const found = await db
    .select({ id: approvalRequests.id, kind: approvalRequests.kind })
    .from(approvalRequests)
    .where(and(eq(approvalRequests.workspaceId, user.workspaceId), inArray(approvalRequests.id, ids)));
  const known = new Map(found.map((row) => [row.id, row.kind]));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length)
    throw new ServiceError("not_found", `No such approval request: ${unknown.slice(0, 3).join(", ")}${unknown.length > 3 ? ", …" : ""}.`);
  const managers = ids.filter((id) => known.get(id) === "manager");
  if (managers.length)
    throw new ServiceError(
      "invalid_input",
      `Manager requests are never decided in a batch (${managers.slice(0, 3).join(", ")}${managers.length > 3 ? ", …" : ""}): only the requester's manager decides them. Nothing was decided.`,
    );

  const items: BatchItemOutcome[] = [];
  for (const approvalRequestId of ids) {
    try {
      const outcome = await decideApproval(db, {
        workspaceId: user.workspaceId,
        approvalRequestId,
        decision: input.decision,
        comment: input.comment ?? null,
        actor: { kind: "user", userId: user.id, via: "web" },
      });
      items.push(
        outcome.outcome === "decided"
          ? { approvalRequestId, outcome: "decided", status: outcome.status, callId: outcome.callId, votes: outcome.votes }
          : {
              approvalRequestId,
              outcome: "already_decided",
              status: outcome.status,
              callId: outcome.callId,
              decidedBy: outcome.decidedBy,
              reason: outcome.reason,
            },
      );
    } catch (error) {
      // One request the actor may not decide (their own, one they already approved) does not stop the others.
      if (!isServiceError(error) || !["not_allowed_to_decide", "conflict", "not_found"].includes(error.code)) throw error;
      items.push({ approvalRequestId, outcome: "refused", message: error.message });
    }
  }
  return {
    decided: items.filter((item) => item.outcome === "decided").length,
    alreadyDecided: items.filter((item) => item.outcome === "already_decided").length,
    refused: items.filter((item) => item.outcome === "refused").length,
    items,
  };
}
