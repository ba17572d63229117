import { getDatabaseHandle } from "@/server/database";
import { handleMcpRequest } from "@/server/gateway/mcp-endpoint";
import { handleRoute } from "@/server/http";
import { withGatewayRequest } from "@/server/telemetry/tracing";

export const dynamic = "force-dynamic";

const handler = handleRoute(async (request: Request) => {
  const handle = await getDatabaseHandle();
  return withGatewayRequest(request, "mcp", () => handleMcpRequest(handle, request));
});

export { handler as GET, handler as POST, handler as DELETE };
