import { errorResponse } from "@/server/http";

export const dynamic = "force-dynamic";

/** Any other path under the agent API answers in the API's own JSON error format. */
const answer = (request: Request) =>
  errorResponse(
    "not_found",
    `There is no ${request.method} ${new URL(request.url).pathname} in the agent API: see /api/gateway/openapi.json.`,
  );
export const GET = answer;
export const POST = answer;
export const PUT = answer;
export const PATCH = answer;
export const DELETE = answer;
