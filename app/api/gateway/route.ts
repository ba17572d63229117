import { getDatabaseHandle } from "@/server/database";
import { bearerOf } from "@/server/gateway/authenticate-agent";
import { callHeadersOf } from "@/server/gateway/call-hints";
import { handleToolCall } from "@/server/gateway/call-tool";
import { readJsonBody } from "@/server/gateway/request-body";
import { restResponseOf } from "@/server/gateway/rest-response";
import { errorResponse, handleRoute } from "@/server/http";
import { withGatewayRequest } from "@/server/telemetry/tracing";

export const dynamic = "force-dynamic";

/** POST /api/gateway — the agent's tool call. Contract: README.md and /api/gateway/openapi.json. */
export const POST = handleRoute(async (request: Request) => {
  const presentedKey = bearerOf(request);
  if (!presentedKey) return errorResponse("unauthorized", 'Send your API key as "Authorization: Bearer tg_…".');
  const idempotencyKey = request.headers.get("idempotency-key");
  if (idempotencyKey !== null && !/^[\x21-\x7e]{1,255}$/.test(idempotencyKey)) {
    return errorResponse("invalid_input", "The Idempotency-Key header must be 1–255 visible ASCII characters.");
  }
  const body = await readJsonBody(request);
  const headers = callHeadersOf(request.headers);
  const handle = await getDatabaseHandle();
  const outcome = await withGatewayRequest(request, "rest", () => handleToolCall(handle, { presentedKey, body, idempotencyKey, headers }));
  const response = restResponseOf(outcome);
  return Response.json(response.body, { status: response.status, headers: response.headers });
});
