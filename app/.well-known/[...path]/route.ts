import { errorResponse } from "@/server/http";

export const dynamic = "force-dynamic";

/**
 * OAuth discovery (`/.well-known/oauth-authorization-server`, `…/oauth-protected-resource`):
 * Toolgate authenticates agents with API keys, and says so in JSON, so a client that probes for
 * OAuth (mcp-remote does) fails with a sentence instead of an HTML page.
 */
const answer = () =>
  errorResponse(
    "not_found",
    "Toolgate does not use OAuth: send your agent's API key as a bearer token (Authorization: Bearer tg_...). Create one on the Agents page.",
  );
export const GET = answer;
export const POST = answer;
