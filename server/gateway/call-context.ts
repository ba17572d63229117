import type { Database, DatabaseHandle } from "@/db";
import { newId } from "@/db/ids";
import type { Decision } from "../policy/decide";
import type { CallEnvelope } from "./envelope";
import type { GatewayOutcome } from "./outcome";
import { recordCallCompleted, recordCallRefused, type AuditFields, type CallRecord } from "./record-call";
import type { ResolvedCall } from "./resolve-call";

/** What one gateway request knows once its call is resolved and decided, shared by the paths below. */
export type CallContext = {
  handle: DatabaseHandle;
  db: Database;
  resolved: ResolvedCall;
  envelope: CallEnvelope;
  base: CallRecord;
  /** Write-only arguments, by dotted path: never stored in clear (see call-secrets.ts). */
  secretArguments: Record<string, unknown>;
  decision: Decision;
  /** The call row claimed for an Idempotency-Key (it exists already), or null. */
  claimedId: string | null;
  started: number;
};

/** The audit event's data for this call, whatever its outcome. */
export function auditData(ctx: CallContext, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    keyPrefix: ctx.resolved.keyPrefix,
    tool: `${ctx.envelope.integration}/${ctx.envelope.tool}`,
    argumentsDigest: ctx.base.argumentsDigest,
    decision: ctx.decision.kind,
    ...(ctx.decision.kind === "reject" ? { decisionCode: ctx.decision.code } : {}),
    ...(ctx.decision.kind === "execute" && ctx.decision.grant ? { grantId: ctx.decision.grant.id } : {}),
    latencyMs: Math.round(performance.now() - ctx.started),
    ...extra,
  };
}

/**
 * Records a refused call (nothing went upstream) with its audit event, and answers the refusal:
 * the claimed row for an Idempotency-Key, else a new row (group-committed).
 */
export async function refuse(ctx: CallContext, outcome: Extract<GatewayOutcome, { kind: "rejected" }>): Promise<GatewayOutcome> {
  const audit: AuditFields = { action: "call.rejected", data: auditData(ctx, { outcome: outcome.code, reason: ctx.decision.reason }) };
  const callId = ctx.claimedId ?? newId("call");
  const latencyMs = Math.round(performance.now() - ctx.started);
  if (ctx.claimedId) {
    await recordCallCompleted(
      ctx.handle,
      { id: callId, workspaceId: ctx.resolved.workspaceId, agentId: ctx.resolved.agentId },
      { status: "rejected", errorCode: outcome.code, errorMessage: outcome.message, decisionReason: ctx.decision.reason, latencyMs },
      audit,
    );
  } else {
    await recordCallRefused(
      ctx.handle,
      { ...ctx.base, id: callId, errorCode: outcome.code, errorMessage: outcome.message, decisionReason: ctx.decision.reason },
      audit,
    );
  }
  return { ...outcome, callId };
}
