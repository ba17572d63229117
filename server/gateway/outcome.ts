import type { ApprovalKind, ApprovalStatus } from "@/db/schema";
import type { ApprovalChannel } from "../approvals/channel-words";
import type { ErrorCode } from "../errors";
import type { RejectCode } from "../policy/decide";

/** `channels`, in the 202 of a new call: where the request was really sent (reach.ts). */
export type ApprovalState = { kind: ApprovalKind; status: ApprovalStatus; channels?: ApprovalChannel[] };

/**
 * What the gateway core answers for one tool call, independent of transport: the REST route maps
 * it to HTTP (rest-response.ts), `/api/mcp` to MCP tool results (mcp-endpoint.ts).
 */
export type GatewayOutcome =
  | {
      kind: "succeeded";
      callId: string;
      result: unknown;
      /** Set when a standing grant let the call run without asking (server/grants). */
      grant?: { id: string; approvedBy: string };
    }
  | {
      kind: "failed";
      callId: string;
      /** `failed`: the upstream refused or broke; the others: the call ended without running. */
      status: "failed" | "denied" | "expired" | "cancelled";
      error: { code: string; message: string };
    }
  | {
      kind: "pending_approval";
      callId: string;
      status: "pending_approval" | "approved" | "executing";
      approvals: ApprovalState[];
      expiresAt: string | null;
    }
  | {
      kind: "rejected";
      /** Null when the call was refused before it could be recorded (no valid key). */
      callId: string | null;
      code: ErrorCode;
      message: string;
      details?: Record<string, unknown>;
      retryAfterSeconds?: number;
    }
  | { kind: "replayed"; outcome: Exclude<GatewayOutcome, { kind: "replayed" }> };

export function rejected(
  code: ErrorCode,
  message: string,
  extra: { callId?: string | null; details?: Record<string, unknown>; retryAfterSeconds?: number } = {},
): Extract<GatewayOutcome, { kind: "rejected" }> {
  return {
    kind: "rejected",
    callId: extra.callId ?? null,
    code,
    message,
    ...(extra.details ? { details: extra.details } : {}),
    ...(extra.retryAfterSeconds ? { retryAfterSeconds: extra.retryAfterSeconds } : {}),
  };
}

/**
 * What an agent is told when the decision refuses a new call. Several decision codes share one
 * public code on purpose: an integration outside the agent's scope looks exactly like one that
 * does not exist, and a revoked key like an unknown one. The audit keeps the decision's own code.
 */
export const PUBLIC_REJECTIONS: Record<RejectCode, { code: ErrorCode; message: string }> = {
  workspace_paused: {
    code: "agent_paused",
    message: "All agents of this MSP are paused: no tool calls are accepted until they are resumed.",
  },
  agent_paused: { code: "agent_paused", message: "This agent is paused by the MSP: no tool calls are accepted until it is resumed." },
  key_retired: { code: "unauthorized", message: "This API key was retired: use the agent's current key." },
  key_revoked: { code: "unauthorized", message: "The API key is not valid: it is unknown or has been revoked." },
  out_of_scope: { code: "unknown_tool", message: "There is no such integration or tool for this agent." },
  unknown_integration: { code: "unknown_tool", message: "There is no such integration or tool for this agent." },
  unknown_tool: { code: "unknown_tool", message: "There is no such integration or tool for this agent." },
  tool_removed: { code: "unknown_tool", message: "There is no such integration or tool for this agent." },
  integration_paused: {
    code: "integration_paused",
    message: "This integration is paused by the MSP: its tools cannot be called until it is resumed.",
  },
  tool_disabled: { code: "tool_disabled", message: "This tool is disabled by policy: the call was refused and nothing was sent upstream." },
  plan_mode: {
    code: "plan_mode",
    message:
      "Plan mode: only tools that run at once and are classified read-only may be called; the call was refused and nothing was sent upstream.",
  },
  rate_limited: {
    code: "rate_limited",
    message: "Rate limit reached for this agent: the call was refused and nothing was sent upstream. Retry after the time in Retry-After.",
  },
  // Only calls already made are refused for these; a new call never is.
  definition_changed: { code: "conflict", message: "The tool's definition changed upstream after the call was made." },
  approvals_changed: { code: "conflict", message: "The tool now needs approvals this call did not ask for." },
};
