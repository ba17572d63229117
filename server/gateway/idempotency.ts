import { and, asc, eq, lt, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { newId } from "@/db/ids";
import { isUniqueViolation } from "@/db/results";
import { approvalRequests, toolCalls, type ToolCallRow } from "@/db/schema";
import { ServiceError, type ErrorCode } from "../errors";
import { rejected, type GatewayOutcome } from "./outcome";
import type { CallRecord } from "./record-call";

export const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;

export type Claim = { kind: "claimed"; callId: string } | { kind: "replay"; outcome: GatewayOutcome };

/** What a call says now, as the gateway would answer it (a replay answers with the current state). */
async function currentOutcome(db: Database, call: ToolCallRow): Promise<Exclude<GatewayOutcome, { kind: "replayed" }>> {
  const error = { code: call.errorCode ?? call.status, message: call.errorMessage ?? `The call ended ${call.status}.` };
  switch (call.status) {
    case "succeeded":
      return { kind: "succeeded", callId: call.id, result: call.result };
    case "failed":
    case "denied":
    case "expired":
    case "cancelled":
      return { kind: "failed", callId: call.id, status: call.status, error };
    case "rejected":
      return rejected((call.errorCode ?? "conflict") as ErrorCode, error.message, { callId: call.id });
    case "pending_approval":
    case "approved":
    case "executing": {
      const approvals = await db
        .select({ kind: approvalRequests.kind, status: approvalRequests.status })
        .from(approvalRequests)
        .where(eq(approvalRequests.callId, call.id))
        .orderBy(asc(approvalRequests.kind));
      return {
        kind: "pending_approval",
        callId: call.id,
        status: call.status,
        approvals,
        expiresAt: call.expiresAt?.toISOString() ?? null,
      };
    }
  }
}

/**
 * Claims an Idempotency-Key for this agent before anything runs: the claimed row is the call's
 * record (`executing`, started now), so a crash leaves it for the sweep rather than stuck. The
 * same key and body later answers with that call's current state, without a second upstream call;
 * a different body is refused (422); a request still running gets 409. Keys older than 24 hours
 * are released for reuse.
 */
export async function claimIdempotencyKey(db: Database, base: CallRecord, key: string, requestHash: string): Promise<Claim> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const callId = newId("call");
    try {
      await db.insert(toolCalls).values({
        ...base,
        id: callId,
        status: "executing",
        decisionReason: "deciding",
        idempotencyKey: key,
        requestHash,
        startedAt: sql`now()`,
      });
      return { kind: "claimed", callId };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const [existing] = await db
      .select()
      .from(toolCalls)
      .where(and(eq(toolCalls.agentId, base.agentId), eq(toolCalls.idempotencyKey, key)));
    if (!existing) continue;
    if (existing.createdAt.getTime() < Date.now() - IDEMPOTENCY_WINDOW_MS) {
      await db
        .update(toolCalls)
        .set({ idempotencyKey: null })
        .where(and(eq(toolCalls.id, existing.id), lt(toolCalls.createdAt, new Date(Date.now() - IDEMPOTENCY_WINDOW_MS))));
      continue;
    }
    if (existing.requestHash !== requestHash) {
      return {
        kind: "replay",
        outcome: rejected(
          "idempotency_key_reused",
          "This Idempotency-Key was already used with a different request body. Use a new key for a new request.",
        ),
      };
    }
    // An `auto` call still running (an approved call executing has been decided: it is reported as such).
    if (existing.status === "executing" && existing.decidedAt === null) {
      return {
        kind: "replay",
        outcome: rejected(
          "idempotency_in_flight",
          "A request with this Idempotency-Key is still being processed. Retry shortly to get its outcome.",
          { retryAfterSeconds: 1 },
        ),
      };
    }
    return { kind: "replay", outcome: { kind: "replayed", outcome: await currentOutcome(db, existing) } };
  }
  throw new ServiceError("conflict", "Could not claim the Idempotency-Key; retry.");
}
