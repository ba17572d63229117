import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { eq } from "drizzle-orm";
import type { Database } from "@/db";
import { demoDirectories } from "@/db/schema";
import { constantTimeEqual, sha256Hex } from "../../crypto/tokens";
import { DEMO_TOOLS, DemoToolError } from "./tools";
import { sharedJsonSchemaValidator } from "../../mcp/shared-validator";

function jsonResult(value: unknown): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(value, null, 2) }], structuredContent: value as Record<string, unknown> };
}

function buildServer(db: Database, directoryId: string): Server {
  const server = new Server(
    { name: "toolgate-demo-directory", version: "1.0.0" },
    { capabilities: { tools: {} }, jsonSchemaValidator: sharedJsonSchemaValidator },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: DEMO_TOOLS.map(({ name, title, description, inputSchema, annotations }) => ({
      name,
      title,
      description,
      inputSchema: inputSchema as { type: "object" },
      ...(annotations ? { annotations } : {}),
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const tool = DEMO_TOOLS.find((candidate) => candidate.name === request.params.name);
    if (!tool) return { isError: true, content: [{ type: "text", text: `Unknown tool ${request.params.name}` }] };
    try {
      return jsonResult(await tool.run(db, directoryId, request.params.arguments ?? {}));
    } catch (error) {
      if (error instanceof DemoToolError) return { isError: true, content: [{ type: "text", text: error.message }] };
      throw error;
    }
  });
  return server;
}

/**
 * Serves one demo directory over MCP Streamable HTTP (stateless: any instance can answer). Calls
 * without the directory's bearer secret are refused, so nothing reaches it around the gateway.
 */
export async function handleDemoDirectoryRequest(db: Database, directoryId: string, request: Request): Promise<Response> {
  const presented = request.headers.get("authorization")?.match(/^Bearer (.+)$/)?.[1] ?? "";
  const [directory] = await db
    .select({ secretHash: demoDirectories.secretHash })
    .from(demoDirectories)
    .where(eq(demoDirectories.id, directoryId));
  if (!directory || !presented || !constantTimeEqual(sha256Hex(presented), directory.secretHash)) {
    return Response.json(
      { jsonrpc: "2.0", error: { code: -32001, message: "Unauthorized: this demo directory needs its bearer secret." }, id: null },
      { status: 401, headers: { "www-authenticate": 'Bearer realm="toolgate-demo-directory"' } },
    );
  }
  if (request.method === "GET") {
    // Stateless server: no standalone notification stream to offer.
    return new Response(null, { status: 405, headers: { allow: "POST" } });
  }
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  const server = buildServer(db, directoryId);
  await server.connect(transport);
  try {
    return await transport.handleRequest(request);
  } finally {
    void server.close();
  }
}
