import { approvalEventStream } from "@/server/approvals/live";
import { getCurrentUser } from "@/server/auth/current-user";
import { errorResponse, handleRoute } from "@/server/http";

export const dynamic = "force-dynamic";

/** GET /api/events/approvals — server-sent events when a call of the signed-in user's workspace changes. */
export const GET = handleRoute(async (request: Request) => {
  const user = await getCurrentUser();
  if (!user) return errorResponse("unauthorized", "Sign in first.");
  return new Response(await approvalEventStream(user.workspaceId, request.signal), {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
});
