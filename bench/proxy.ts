// P0 of `npm run bench`: a plain MCP forwarding proxy in Node.js — node:http and the official SDK,
// one cached upstream session, no auth, policy, audit or database. What any gateway built on the
// SDK costs at least; Toolgate's figures are read against it (and against B1, the framework's own floor).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { serveFetch } from "../test/http-server";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";

// One validator for every per-request server (the SDK builds an Ajv per server by default).
const validator = new AjvJsonSchemaValidator();
const upstreamUrl = process.env.BENCH_PROXY_UPSTREAM;
if (!upstreamUrl) throw new Error("BENCH_PROXY_UPSTREAM must name the upstream MCP URL");

const upstream = new Client({ name: "bench-proxy", version: "1.0.0" });
await upstream.connect(new StreamableHTTPClientTransport(new URL(upstreamUrl)));

const server = await serveFetch(async (request) => {
  if (request.method !== "POST") return new Response(null, { status: 405 });
  const mcp = new Server({ name: "bench-proxy", version: "1.0.0" }, { capabilities: { tools: {} }, jsonSchemaValidator: validator });
  mcp.setRequestHandler(ListToolsRequestSchema, async () => upstream.listTools());
  mcp.setRequestHandler(CallToolRequestSchema, async (call) => (await upstream.callTool(call.params)) as CallToolResult);
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await mcp.connect(transport);
  return transport.handleRequest(request);
});

process.stdout.write(`${JSON.stringify({ ready: true, url: server.url })}\n`);
