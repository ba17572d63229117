import { getDatabaseHandle } from "@/db";
import { handleMcpRequest } from "@/server/gateway/mcp-endpoint";
import { handleRoute } from "@/server/http";

export const dynamic = "force-dynamic";

const handler = handleRoute(async (request: Request) => handleMcpRequest(await getDatabaseHandle(), request));

export { handler as GET, handler as POST, handler as DELETE };
