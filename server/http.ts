import { isDatabaseUnavailable } from "@/db/connection-errors";
import { type ErrorCode, isServiceError } from "./errors";
import { errorText, log } from "./log/logger";
import { metrics, routeLabel } from "./metrics/registry";
import { getEnv } from "./env";

export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  invalid_json: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  stale_revision: 409,
  rate_limited: 429,
  database_unavailable: 503,
  unknown_tool: 404,
  tool_disabled: 403,
  plan_mode: 403,
  invalid_arguments: 400,
  schema_unsupported: 400,
  agent_paused: 403,
  integration_paused: 403,
  idempotency_in_flight: 409,
  idempotency_key_reused: 422,
  requester_manager_unknown: 422,
  manager_unreachable: 422,
  requester_mismatch: 422,
  requester_conflict: 400,
  too_many_pending_approvals: 429,
  upstream_failed: 502,
  upstream_unreachable: 502,
  already_decided: 409,
  token_expired: 410,
  token_used: 410,
  invalid_signature: 401,
  not_allowed_to_decide: 403,
};

/**
 * The `WWW-Authenticate` answer to a bad or missing API key (RFC 6750): agents and bridges such as
 * mcp-remote read it to tell a bad key from a missing login. Header values are ASCII, so the
 * description keeps only printable ASCII.
 */
export function bearerChallenge(description: string): string {
  const ascii = description.replace(/…/g, "...").replace(/[^\x20-\x7e]|["\\]/g, "");
  return `Bearer realm="toolgate", error="invalid_token", error_description="${ascii}"`;
}

export type ErrorBody = { error: { code: ErrorCode | "internal_error"; message: string; details?: Record<string, unknown> } };

export function errorResponse(
  code: ErrorCode,
  message: string,
  init: { details?: Record<string, unknown>; headers?: HeadersInit } = {},
): Response {
  const body: ErrorBody = { error: { code, message, ...(init.details ? { details: init.details } : {}) } };
  const headers = new Headers(init.headers);
  if (code === "database_unavailable" && !headers.has("retry-after")) headers.set("retry-after", "2");
  if (code === "unauthorized" && !headers.has("www-authenticate")) headers.set("www-authenticate", bearerChallenge(message));
  return Response.json(body, { status: HTTP_STATUS[code], headers });
}

/**
 * Maps anything thrown to a response. Unknown errors become a 500 without their stack or message
 * (logged instead): a body never leaks internals.
 */
export function responseForError(error: unknown): Response {
  if (isServiceError(error)) return errorResponse(error.code, error.message, { details: error.details });
  if (isDatabaseUnavailable(error)) {
    return errorResponse("database_unavailable", "The database is unreachable right now; nothing was done. Retry shortly.");
  }
  log("error", "unhandled error", { error: errorText(error, true) });
  const body: ErrorBody = {
    error: { code: "internal_error", message: "Something went wrong on our side; nothing was changed by this request." },
  };
  return Response.json(body, { status: 500 });
}

/** Bodies below this are not worth compressing (the threshold of Next.js's own compression). */
const COMPRESSION_THRESHOLD_BYTES = 1024;

/**
 * A small JSON answer, marked so Next.js sends it uncompressed. Next.js gzips every route
 * handler's response (it drops a Content-Length it is given, so its compression's size threshold
 * never applies); for an agent's answer of a few hundred bytes a gzip stream costs more than it
 * saves — about 0.5 ms a response on this project's 2-core machines, found in the bench's CPU
 * profile. `Cache-Control: no-transform` is the one signal its compression honours. Larger JSON,
 * streams (text/event-stream) and other types pass through untouched, and are compressed as before.
 */
export async function uncompressedWhenSmall(response: Response): Promise<Response> {
  const type = response.headers.get("content-type") ?? "";
  if (!response.body || !type.startsWith("application/json")) return response;
  const body = await response.arrayBuffer();
  const headers = new Headers(response.headers);
  if (body.byteLength < COMPRESSION_THRESHOLD_BYTES) {
    const cacheControl = headers.get("cache-control");
    if (!cacheControl?.includes("no-transform"))
      headers.set("cache-control", cacheControl ? `${cacheControl}, no-transform` : "no-transform");
  }
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

/** Wraps a route handler: one structured log line per request, typed errors mapped once, small JSON answers sent uncompressed. */
export function handleRoute<Args extends unknown[]>(handler: (request: Request, ...args: Args) => Promise<Response>) {
  return async (request: Request, ...args: Args): Promise<Response> => {
    const started = performance.now();
    let response: Response;
    try {
      response = await uncompressedWhenSmall(await handler(request, ...args));
    } catch (error) {
      response = await uncompressedWhenSmall(responseForError(error));
    }
    const durationMs = performance.now() - started;
    logRequest(request, response.status, durationMs);
    observeRequest(request, response.status, durationMs);
    return response;
  };
}

function observeRequest(request: Request, status: number, durationMs: number): void {
  const route = routeLabel(new URL(request.url).pathname);
  const m = metrics();
  m.httpRequests.inc({ route, method: request.method, status: String(status) });
  m.httpDuration.observe({ route, method: request.method }, durationMs / 1000);
}

/** One line per request (the logger redacts deep-link tokens from the path). */
export function logRequest(request: Request, status: number, durationMs: number): void {
  if (getEnv().TOOLGATE_LOG_REQUESTS === "off") return;
  const path = new URL(request.url).pathname;
  log("info", "request", { method: request.method, path, status, durationMs: Math.round(durationMs * 10) / 10 });
}
