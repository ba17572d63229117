// The benchmark's upstream MCP server (B0), in its own process so it does not share the app's or
// the load generator's event loop. Responses are jittered 0–2 ms so requests do not arrive in
// lock-step. /mcp has the small bench toolset; /mcp-large has 1,000 tools (the detail-page bench).
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { serveFetch } from "../test/http-server";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";

// One validator for every per-request server (the SDK builds an Ajv per server by default).
const validator = new AjvJsonSchemaValidator();
const small: Tool[] = [
  {
    name: "bench_get",
    description: "Read something (auto).",
    inputSchema: { type: "object", properties: { id: { type: "integer" } }, required: ["id"] },
    annotations: { readOnlyHint: true },
  },
  {
    name: "bench_delete",
    description: "Delete something (disabled in the bench).",
    inputSchema: { type: "object", properties: { id: { type: "integer" } } },
  },
];
const large: Tool[] = Array.from({ length: 1_000 }, (_, index) => ({
  name: `${["get", "list", "update", "delete", "send"][index % 5]}_item_${index}`,
  description: `Bench tool number ${index}, with a description long enough to look like a real one: it reads or changes item ${index}.`,
  inputSchema: { type: "object", properties: { id: { type: "integer" }, note: { type: "string" } } },
}));

const counts: Record<string, number> = {};

const server = await serveFetch(
  async (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/stats") return Response.json(counts);
    if (request.method !== "POST") return new Response(null, { status: 405 });
    const tools = path === "/mcp-large" ? large : small;
    const mcp = new Server({ name: "bench-upstream", version: "1.0.0" }, { capabilities: { tools: {} }, jsonSchemaValidator: validator });
    mcp.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
    mcp.setRequestHandler(CallToolRequestSchema, async (call) => {
      counts[call.params.name] = (counts[call.params.name] ?? 0) + 1;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
      return {
        content: [{ type: "text", text: `ok ${call.params.name}` }],
        structuredContent: { ok: true, id: call.params.arguments?.id ?? null },
      };
    });
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await mcp.connect(transport);
    return transport.handleRequest(request);
  },
  Number(process.env.BENCH_UPSTREAM_PORT ?? 0),
);

process.stdout.write(`${JSON.stringify({ ready: true, url: server.url })}\n`);
