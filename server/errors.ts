/**
 * The closed list of error codes domain code may throw. Each maps to one HTTP status (http.ts)
 * and one tRPC code (api/trpc.ts); the compiler finds a missing case.
 */
export const ERROR_CODES = [
  "invalid_input",
  "invalid_json",
  "unsupported_media_type",
  "payload_too_large",
  "unauthorized",
  "forbidden",
  "not_found",
  "conflict",
  "stale_revision",
  "rate_limited",
  "database_unavailable",
  "unknown_tool",
  "tool_disabled",
  "plan_mode",
  "invalid_arguments",
  "schema_unsupported",
  "agent_paused",
  "integration_paused",
  "idempotency_in_flight",
  "idempotency_key_reused",
  "requester_manager_unknown",
  "manager_unreachable",
  "requester_mismatch",
  "requester_conflict",
  "too_many_pending_approvals",
  "upstream_failed",
  "upstream_unreachable",
  "already_decided",
  "token_expired",
  "token_used",
  "invalid_signature",
  "not_allowed_to_decide",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class ServiceError extends Error {
  override readonly name = "ServiceError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof ServiceError;
}

/** Exhaustiveness guard for switches over closed unions. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
