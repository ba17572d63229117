import { getDb } from "@/server/database";
import { authenticateAgent, bearerOf } from "@/server/gateway/authenticate-agent";
import { cancelCall } from "@/server/gateway/cancel-call";
import { errorResponse, handleRoute } from "@/server/http";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ callId: string }> };

/** POST /api/gateway/calls/:id/cancel — the agent withdraws a call still waiting for approval. */
export const POST = handleRoute(async (request: Request, { params }: Params) => {
  const db = await getDb();
  const agent = await authenticateAgent(db, bearerOf(request));
  if (!agent) return errorResponse("unauthorized", "The API key is missing, unknown or revoked.");
  const view = await cancelCall(db, { workspaceId: agent.workspaceId, agentId: agent.agentId }, (await params).callId);
  return Response.json(view);
});
