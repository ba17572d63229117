import { getDb } from "@/server/database";
import { handleDemoDirectoryRequest } from "@/server/integrations/demo-directory/mcp-server";
import { handleRoute } from "@/server/http";

type Params = { params: Promise<{ directoryId: string }> };

const handler = handleRoute(async (request: Request, { params }: Params) =>
  handleDemoDirectoryRequest(await getDb(), (await params).directoryId, request),
);

export { handler as GET, handler as POST, handler as DELETE };
