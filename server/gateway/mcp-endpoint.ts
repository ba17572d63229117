import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import {
  createMcpHandler,
  InMemoryServerEventBus,
  isLegacyRequest,
  Server as ModernServer,
  type CallToolResult as ModernCallToolResult,
  type ListToolsResult as ModernListToolsResult,
} from "@modelcontextprotocol/server";
import type { DatabaseHandle } from "@/db";
import { getEnv } from "../env";
import { isServiceError } from "../errors";
import { subscribeEvents } from "../events/bus";
import { bearerChallenge, HTTP_STATUS } from "../http";
import { sharedJsonSchemaValidator, sharedModernJsonSchemaValidator } from "../mcp/shared-validator";
import { authenticateAgent, bearerOf } from "./authenticate-agent";
import { callHeadersOf, type CallHeaders } from "./call-hints";
import { abandonStartedCall } from "./call-tool";
import {
  callMcpTool,
  listMcpTools,
  readMcpCall,
  STATUS_TOOL,
  type AgentIdentity,
  type CallParams,
  type McpCallContext,
  type PreResolved,
} from "./mcp-tools";
import { MAX_BODY_BYTES, readJsonBody } from "./request-body";

const SERVER_INFO = { name: "toolgate", version: "1.0.0" };

function allowedOrigin(origin: string, request: Request): boolean {
  const allowed = new Set([
    getEnv().publicUrl,
    new URL(request.url).origin,
    ...getEnv()
      .TOOLGATE_MCP_ALLOWED_ORIGINS.split(",")
      .map((entry) => entry.trim())
      .filter(Boolean),
  ]);
  return allowed.has(origin);
}

/** A 2025-era server (1.x SDK) for one request. */
function legacyServer(handle: DatabaseHandle, context: McpCallContext): Server {
  const server = new Server(SERVER_INFO, {
    capabilities: { tools: { listChanged: true } },
    jsonSchemaValidator: sharedJsonSchemaValidator,
  });
  server.setRequestHandler(ListToolsRequestSchema, () => listMcpTools(handle.db, context.agent, context.headers.mode ?? null));
  server.setRequestHandler(CallToolRequestSchema, (request, extra) =>
    callMcpTool(handle, context, request.params, (notification) => extra.sendNotification(notification)),
  );
  return server;
}

/** A 2026-07-28 server (2.x SDK) for one request: the same tools, the same call path. */
function modernServer(handle: DatabaseHandle, context: McpCallContext): ModernServer {
  const server = new ModernServer(SERVER_INFO, {
    capabilities: { tools: { listChanged: true } },
    jsonSchemaValidator: sharedModernJsonSchemaValidator,
  });
  // The two SDKs declare the same wire shapes with their own types.
  server.setRequestHandler(
    "tools/list",
    async () => (await listMcpTools(handle.db, context.agent, context.headers.mode ?? null)) as ModernListToolsResult,
  );
  server.setRequestHandler(
    "tools/call",
    async (request, ctx) =>
      (await callMcpTool(handle, context, request.params, (notification) => ctx.mcpReq.notify(notification))) as ModernCallToolResult,
  );
  return server;
}

/** A JSON-RPC error answered before the MCP transport is involved. */
function jsonRpcError(status: number, code: number, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ jsonrpc: "2.0", error: { code, message }, id: null }, { status, headers });
}

const UNAUTHORIZED = () =>
  jsonRpcError(401, -32001, "Unauthorized: send your Toolgate API key as a bearer token.", {
    "www-authenticate": bearerChallenge("The Toolgate API key is missing, unknown, retired or revoked."),
  });

/**
 * The single `tools/call` of a POST body (not the status tool), whose one read also authenticates;
 * `wellFormed` when the SDK will hand it to the call handler as it is (a JSON-RPC request with an
 * id, and arguments that are an object).
 */
function singleToolCall(body: unknown): { params: CallParams; wantsProgress: boolean; wellFormed: boolean } | null {
  if (!body || typeof body !== "object" || Array.isArray(body)) return null;
  const message = body as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: CallParams & { name?: unknown } };
  const params = message.params;
  if (message.method !== "tools/call" || typeof params?.name !== "string" || params.name === STATUS_TOOL) return null;
  const isObject = (value: unknown) => value !== null && typeof value === "object" && !Array.isArray(value);
  return {
    params,
    wantsProgress: params._meta?.progressToken !== undefined,
    wellFormed:
      message.jsonrpc === "2.0" &&
      (typeof message.id === "string" || typeof message.id === "number") &&
      (params.arguments === undefined || isObject(params.arguments)) &&
      (params._meta === undefined || isObject(params._meta)),
  };
}

const PRIMING = new TextEncoder().encode(": toolgate stream open\n\n");

/** The notification stream, with a comment sent at once so its headers leave now, not with the first event. */
function primed(response: Response): Response {
  if (!response.ok || !response.body) return response;
  const body = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      start(controller) {
        controller.enqueue(PRIMING);
      },
    }),
  );
  return new Response(body, { status: response.status, headers: response.headers });
}

/**
 * /api/mcp: the same gateway for agents that speak MCP (Streamable HTTP, stateless so any instance
 * answers). A `tools/call` makes the gateway's one read, by the tool's stored MCP name, which also
 * authenticates the key; other requests authenticate with one query. A call that needs approval
 * waits for it (sending progress notifications when the client asked for progress). Protocol
 * 2026-07-28 requests are served by the 2.x SDK (`subscriptions/listen` streams receive
 * `tools/list_changed`), 2025-era ones by the 1.x SDK (a GET opens the notification stream).
 */
export async function handleMcpRequest(handle: DatabaseHandle, request: Request): Promise<Response> {
  const db = handle.db;
  const origin = request.headers.get("origin");
  if (origin && !allowedOrigin(origin, request))
    return jsonRpcError(403, -32000, `Origin ${origin} is not allowed to use this MCP endpoint.`);
  const presentedKey = bearerOf(request);
  if (!presentedKey) return UNAUTHORIZED();

  let headers: CallHeaders;
  let parsedBody: unknown;
  let agent: AgentIdentity | null;
  let preResolved: PreResolved = null;
  let wantsProgress = false;
  try {
    headers = callHeadersOf(request.headers);
    if (request.method === "POST") parsedBody = await readJsonBody(request, MAX_BODY_BYTES);
  } catch (error) {
    if (isServiceError(error)) return jsonRpcError(HTTP_STATUS[error.code], -32600, error.message);
    throw error;
  }
  // The SDK's own classification: a request carrying the 2026-07-28 `_meta` envelope (or naming a
  // current revision) is current; everything else, GET streams included, is 2025-era.
  const legacy = await isLegacyRequest(request, parsedBody, { maxRequestBodySize: MAX_BODY_BYTES });
  const call = singleToolCall(parsedBody);
  if (call) {
    wantsProgress = call.wantsProgress;
    // The read may record the call (prepareRead) only where the handler surely takes it at once:
    // a well-formed 2025-era call answered as JSON (serveLegacy marks it refused if not).
    const predict = legacy && !wantsProgress && call.wellFormed;
    const read = await readMcpCall(handle, { presentedKey, params: call.params, headers, predict });
    const resolved = read.resolved;
    agent =
      resolved && !resolved.keyRevoked && !resolved.keyRetired ? { agentId: resolved.agentId, workspaceId: resolved.workspaceId } : null;
    preResolved = resolved && { mcpName: call.params.name, read, consumed: false };
  } else {
    agent = await authenticateAgent(db, presentedKey);
  }
  if (!agent) return UNAUTHORIZED();

  const controller = new AbortController();
  request.signal.addEventListener("abort", () => controller.abort(), { once: true });
  const context: McpCallContext = { agent: { ...agent, presentedKey }, preResolved, headers, signal: controller.signal };
  if (!legacy) return serveCurrent(handle, request, parsedBody, context, controller);
  return serveLegacy(handle, request, parsedBody, context, controller, wantsProgress);
}

/** Tool-list changes for the agent's workspace, as they happen (subscribed before the stream opens, so none is missed). */
function watchToolset(workspaceId: string, onChange: () => void): Promise<() => void> {
  return subscribeEvents((event) => {
    if (event.type === "toolset" && event.workspaceId === workspaceId) onChange();
  });
}

/** 2025-era clients: the 1.x SDK's stateless Streamable HTTP; a GET opens the `list_changed` stream. */
async function serveLegacy(
  handle: DatabaseHandle,
  request: Request,
  parsedBody: unknown,
  context: McpCallContext,
  controller: AbortController,
  wantsProgress: boolean,
): Promise<Response> {
  const server = legacyServer(handle, context);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    // Progress notifications need a stream for the request; everything else is answered as JSON.
    enableJsonResponse: !wantsProgress,
    maxRequestBodySize: MAX_BODY_BYTES,
  });
  await server.connect(transport);

  if (request.method === "GET") {
    const unsubscribe = await watchToolset(context.agent.workspaceId, () => void server.sendToolListChanged().catch(() => {}));
    const close = () => {
      unsubscribe();
      void server.close();
    };
    controller.signal.addEventListener("abort", close, { once: true });
    transport.onclose = close;
    return primed(await transport.handleRequest(request));
  }
  if (wantsProgress) {
    // The answer streams until the call settles: close the server when the stream ends, not now.
    transport.onclose = () => void server.close();
    return transport.handleRequest(request, { parsedBody });
  }
  try {
    return await transport.handleRequest(request, parsedBody === undefined ? undefined : { parsedBody });
  } finally {
    controller.abort();
    void server.close();
    const pre = context.preResolved;
    if (pre?.read.started && pre.read.resolved && !pre.consumed) await abandonStartedCall(handle, pre.read.resolved, pre.read.started);
  }
}

/**
 * 2026-07-28 clients: the 2.x SDK's handler (strict: 2025-era traffic never reaches it). Change
 * notifications travel on `subscriptions/listen` streams, fed from this workspace's tool-list changes.
 */
async function serveCurrent(
  handle: DatabaseHandle,
  request: Request,
  parsedBody: unknown,
  context: McpCallContext,
  controller: AbortController,
): Promise<Response> {
  const bus = new InMemoryServerEventBus();
  const listens = (parsedBody as { method?: unknown } | undefined)?.method === "subscriptions/listen";
  const unsubscribe = listens ? await watchToolset(context.agent.workspaceId, () => bus.publish({ kind: "tools_list_changed" })) : () => {};
  const handler = createMcpHandler(() => modernServer(handle, context), {
    legacy: "reject",
    bus,
    maxRequestBodySize: MAX_BODY_BYTES,
  });
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    void handler.close();
  };
  controller.signal.addEventListener("abort", close, { once: true });
  const response = await handler.fetch(request, { parsedBody });
  // A listen stream, or a call streaming progress, lives until it ends or the client goes; anything else is done.
  if (!response.body || !response.headers.get("content-type")?.includes("text/event-stream")) {
    controller.abort();
    return response;
  }
  return whenStreamEnds(response, close);
}

/** The same response, calling `done` once its body has ended, failed or been cancelled by the client. */
function whenStreamEnds(response: Response, done: () => void): Response {
  const reader = response.body!.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const chunk = await reader.read();
        if (chunk.done) {
          done();
          controller.close();
        } else controller.enqueue(chunk.value);
      } catch (error) {
        done();
        controller.error(error);
      }
    },
    cancel(reason) {
      done();
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, headers: response.headers });
}
