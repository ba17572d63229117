import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { serveFetch, type RunningServer } from "./http-server";

/** One validator for every per-request server (the SDK builds an Ajv per server by default). */
const validator = new AjvJsonSchemaValidator();

export type UpstreamTool = Pick<Tool, "name" | "description" | "inputSchema" | "annotations" | "title">;
type Behaviour = { delayMs?: number; fail?: string; hang?: boolean };

/**
 * A real MCP server (the official SDK's server side, stateless Streamable HTTP) for tests: its tool
 * list can be changed between syncs, it pages its list, counts every request per tool, records the
 * headers it received, and can delay, fail or hang a tool on command.
 */
/** `port`: listen there (to bring an upstream back where it was, after `close`). */
export async function startMcpUpstream(options: { tools: UpstreamTool[]; token?: string; pageSize?: number; port?: number }) {
  let tools = options.tools;
  const calls: Array<{ name: string; arguments: Record<string, unknown>; headers: Record<string, string>; at: number }> = [];
  const requestHeaders: Array<Record<string, string>> = [];
  const behaviours = new Map<string, Behaviour>();
  const pageSize = options.pageSize ?? 1_000;

  const server: RunningServer = await serveFetch(async (request) => {
    const headers = Object.fromEntries(request.headers.entries());
    requestHeaders.push(headers);
    if (options.token && headers.authorization !== `Bearer ${options.token}`) {
      return Response.json({ jsonrpc: "2.0", error: { code: -32001, message: "unauthorized" }, id: null }, { status: 401 });
    }
    if (request.method === "GET") return new Response(null, { status: 405 });
    const mcp = new Server({ name: "test-upstream", version: "1.0.0" }, { capabilities: { tools: {} }, jsonSchemaValidator: validator });
    mcp.setRequestHandler(ListToolsRequestSchema, async (req) => {
      const start = Number(req.params?.cursor ?? 0);
      const page = tools.slice(start, start + pageSize);
      const next = start + pageSize < tools.length ? String(start + pageSize) : undefined;
      return { tools: page as Tool[], ...(next ? { nextCursor: next } : {}) };
    });
    mcp.setRequestHandler(CallToolRequestSchema, async (req) => {
      const name = req.params.name;
      calls.push({ name, arguments: req.params.arguments ?? {}, headers, at: Date.now() });
      const behaviour = behaviours.get(name) ?? {};
      if (behaviour.hang) await new Promise(() => {});
      if (behaviour.delayMs) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
      if (behaviour.fail) return { isError: true, content: [{ type: "text", text: behaviour.fail }] };
      return { content: [{ type: "text", text: `ran ${name}` }], structuredContent: { tool: name, arguments: req.params.arguments ?? {} } };
    });
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await mcp.connect(transport);
    return transport.handleRequest(request);
  }, options.port ?? 0);

  return {
    url: `${server.url}/mcp`,
    port: server.port,
    calls,
    requestHeaders,
    setTools(next: UpstreamTool[]) {
      tools = next;
    },
    behave(name: string, behaviour: Behaviour) {
      behaviours.set(name, behaviour);
    },
    callCount(name?: string) {
      return name ? calls.filter((call) => call.name === name).length : calls.length;
    },
    close: () => server.close(),
  };
}

export type McpUpstream = Awaited<ReturnType<typeof startMcpUpstream>>;

export const tool = (name: string, extra: Partial<UpstreamTool> = {}): UpstreamTool => ({
  name,
  description: `${name} (test tool)`,
  inputSchema: { type: "object", properties: { email: { type: "string" } } },
  ...extra,
});
