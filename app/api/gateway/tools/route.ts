import { getDb } from "@/server/database";
import { authenticateAgent, bearerOf } from "@/server/gateway/authenticate-agent";
import { listToolsForAgent } from "@/server/gateway/agent-tools";
import { callHeadersOf } from "@/server/gateway/call-hints";
import { PUBLIC_REJECTIONS } from "@/server/gateway/outcome";
import { errorResponse, handleRoute } from "@/server/http";
import { ifNoneMatchMatches } from "@/server/if-none-match";
import { agentStop } from "@/server/policy/decide";

export const dynamic = "force-dynamic";

/** GET /api/gateway/tools — the agent's skill set. ETag is the workspace's toolset version. */
export const GET = handleRoute(async (request: Request) => {
  const db = await getDb();
  const agent = await authenticateAgent(db, bearerOf(request));
  if (!agent) return errorResponse("unauthorized", "The API key is missing, unknown or revoked.");
  const stop = agentStop({
    workspace: { agentsPaused: agent.workspacePaused },
    agent: { paused: agent.paused },
    key: { retired: false, revoked: false },
  });
  if (stop) return errorResponse(PUBLIC_REJECTIONS[stop.code].code, PUBLIC_REJECTIONS[stop.code].message);
  const headers = callHeadersOf(request.headers);
  // The plan-mode list differs from the full one: it gets its own tag.
  const etag = headers.mode === "plan" ? `"${agent.toolsetVersion}-plan"` : `"${agent.toolsetVersion}"`;
  const cacheHeaders = { etag, "cache-control": "private, no-cache" };
  if (ifNoneMatchMatches(request.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers: cacheHeaders });
  const tools = await listToolsForAgent(db, { id: agent.agentId, workspaceId: agent.workspaceId }, headers);
  return Response.json(
    {
      version: agent.toolsetVersion,
      tools: tools.map(({ integration, name, title, description, inputSchema, annotations, policy, managerApproval }) => ({
        integration,
        name,
        title,
        description,
        inputSchema,
        annotations,
        policy,
        managerApproval,
      })),
    },
    { headers: cacheHeaders },
  );
});
