import { getDb } from "@/server/database";
import { getCurrentUser } from "@/server/auth/current-user";
import { authenticateAgent, bearerOf } from "@/server/gateway/authenticate-agent";
import { MAX_WAIT_SECONDS, waitForCallChange } from "@/server/gateway/call-status";
import { errorResponse, handleRoute } from "@/server/http";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ callId: string }> };

/** GET /api/gateway/calls/:id[?wait=N] — the call's status; with `wait`, a long-poll of up to 60 s (more is refused). */
export const GET = handleRoute(async (request: Request, { params }: Params) => {
  const db = await getDb();
  const { callId } = await params;
  const wait = new URL(request.url).searchParams.get("wait");
  // Refused rather than clamped: an agent that asked for longer would otherwise poll again too soon.
  if (wait !== null && !(/^\d{1,2}$/.test(wait) && Number(wait) <= MAX_WAIT_SECONDS))
    return errorResponse("invalid_input", `wait must be a whole number of seconds from 0 to ${MAX_WAIT_SECONDS}.`);
  const bearer = bearerOf(request);
  let reader;
  if (bearer) {
    const agent = await authenticateAgent(db, bearer);
    if (!agent) return errorResponse("unauthorized", "The API key is unknown or revoked.");
    // The calling agent itself: a sensitive result is handed over on its first read.
    reader = { workspaceId: agent.workspaceId, agentId: agent.agentId, takeSensitiveResult: true };
  } else {
    const user = await getCurrentUser();
    if (!user) return errorResponse("unauthorized", 'Send your API key as "Authorization: Bearer tg_…".');
    reader = { workspaceId: user.workspaceId, agentId: null };
  }
  const view = await waitForCallChange(db, reader, callId, Number(wait ?? 0), request.signal);
  return Response.json(view, { headers: { "cache-control": "no-store" } });
});
