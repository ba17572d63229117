import { bearerChallenge, HTTP_STATUS } from "../http";
import type { GatewayOutcome } from "./outcome";
import { statusUrlOf } from "./responses";

export type RestResponse = { status: number; body: Record<string, unknown>; headers?: Record<string, string> };

/**
 * The REST contract of POST /api/gateway (README "The agent API", openapi.ts): 200 ran, 202 waits
 * for approval, 502 the upstream failed, 4xx refused. A replay answers with the call's current
 * state and `Idempotent-Replayed: true`.
 */
export function restResponseOf(outcome: GatewayOutcome): RestResponse {
  switch (outcome.kind) {
    case "succeeded":
      return {
        status: 200,
        body: {
          callId: outcome.callId,
          status: "succeeded",
          result: outcome.result,
          ...(outcome.grant
            ? { grant: { ...outcome.grant, ranAs: `auto by grant ${outcome.grant.id}, approved by ${outcome.grant.approvedBy}` } }
            : {}),
        },
      };
    case "failed":
      return {
        status: outcome.status === "failed" ? 502 : 200,
        body: { callId: outcome.callId, status: outcome.status, error: outcome.error },
      };
    case "pending_approval":
      return {
        status: 202,
        body: {
          callId: outcome.callId,
          status: outcome.status,
          approvals: outcome.approvals,
          statusUrl: statusUrlOf(outcome.callId),
          expiresAt: outcome.expiresAt,
        },
      };
    case "rejected":
      return {
        status: HTTP_STATUS[outcome.code],
        body: { error: { code: outcome.code, message: outcome.message, ...(outcome.details ? { details: outcome.details } : {}) } },
        headers: {
          ...(outcome.retryAfterSeconds ? { "retry-after": String(outcome.retryAfterSeconds) } : {}),
          ...(outcome.code === "unauthorized" ? { "www-authenticate": bearerChallenge(outcome.message) } : {}),
        },
      };
    case "replayed": {
      const response = restResponseOf(outcome.outcome);
      return { ...response, headers: { ...response.headers, "idempotent-replayed": "true" } };
    }
  }
}
