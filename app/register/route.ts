import { errorResponse } from "@/server/http";

export const dynamic = "force-dynamic";

/** OAuth dynamic client registration, which MCP bridges try: Toolgate uses API keys instead. */
const answer = () =>
  errorResponse(
    "not_found",
    "Toolgate does not register OAuth clients: send your agent's API key as a bearer token (Authorization: Bearer tg_...). Create one on the Agents page.",
  );
export const GET = answer;
export const POST = answer;
