import { initTRPC, TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { isDatabaseUnavailable } from "@/db/connection-errors";
import type { Database } from "@/db";
import type { SessionUser } from "../auth/session-user";
import { type ErrorCode, isServiceError } from "../errors";

export type TrpcContext = { db: Database; user: SessionUser | null };

const TRPC_CODE: Record<ErrorCode, TRPC_ERROR_CODE_KEY> = {
  invalid_input: "BAD_REQUEST",
  invalid_json: "BAD_REQUEST",
  unsupported_media_type: "UNSUPPORTED_MEDIA_TYPE",
  payload_too_large: "PAYLOAD_TOO_LARGE",
  unauthorized: "UNAUTHORIZED",
  forbidden: "FORBIDDEN",
  not_found: "NOT_FOUND",
  conflict: "CONFLICT",
  stale_revision: "CONFLICT",
  rate_limited: "TOO_MANY_REQUESTS",
  database_unavailable: "SERVICE_UNAVAILABLE",
  unknown_tool: "NOT_FOUND",
  tool_disabled: "FORBIDDEN",
  plan_mode: "FORBIDDEN",
  invalid_arguments: "BAD_REQUEST",
  schema_unsupported: "BAD_REQUEST",
  agent_paused: "FORBIDDEN",
  integration_paused: "FORBIDDEN",
  idempotency_in_flight: "CONFLICT",
  idempotency_key_reused: "UNPROCESSABLE_CONTENT",
  requester_manager_unknown: "UNPROCESSABLE_CONTENT",
  manager_unreachable: "UNPROCESSABLE_CONTENT",
  requester_mismatch: "UNPROCESSABLE_CONTENT",
  requester_conflict: "BAD_REQUEST",
  too_many_pending_approvals: "TOO_MANY_REQUESTS",
  upstream_failed: "BAD_GATEWAY",
  upstream_unreachable: "BAD_GATEWAY",
  already_decided: "CONFLICT",
  token_expired: "NOT_FOUND",
  token_used: "CONFLICT",
  invalid_signature: "UNAUTHORIZED",
  not_allowed_to_decide: "FORBIDDEN",
};

function readableZodMessage(error: ZodError): string {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message)).join("; ");
}

function zodFieldErrors(error: ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) errors[issue.path.join(".") || "form"] ??= issue.message;
  return errors;
}

const t = initTRPC.context<TrpcContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const message =
      cause instanceof ZodError
        ? readableZodMessage(cause)
        : error.code === "INTERNAL_SERVER_ERROR"
          ? "Something went wrong on our side; nothing was changed."
          : shape.message;
    // Forms show each problem next to its field: zod issues keyed by input path (e.g. "smtp.from"),
    // and a domain refusal about one field names it.
    const fieldErrors = cause instanceof ZodError ? zodFieldErrors(cause) : null;
    const field = isServiceError(cause) && typeof cause.details?.field === "string" ? cause.details.field : null;
    return {
      ...shape,
      message,
      data: { ...shape.data, stack: undefined, serviceCode: isServiceError(cause) ? cause.code : null, field, fieldErrors },
    };
  },
});

/** Domain errors become tRPC errors with the same readable message, mapped once here. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (isServiceError(cause)) throw new TRPCError({ code: TRPC_CODE[cause.code], message: cause.message, cause });
    if (isDatabaseUnavailable(cause))
      throw new TRPCError({
        code: "SERVICE_UNAVAILABLE",
        message: "The database is unreachable right now; nothing was changed. Try again shortly.",
        cause,
      });
  }
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapErrors);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "admin") throw new TRPCError({ code: "FORBIDDEN", message: "Only admins can do this." });
  return next({ ctx });
});
