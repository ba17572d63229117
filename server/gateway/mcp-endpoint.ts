import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from "@modelcontextprotocol/sdk/types.js";
import type { Database, DatabaseHandle } from "@/db";
import { getEnv } from "../env";
import { subscribeEvents } from "../events/bus";
import { isServiceError } from "../errors";
import { listToolsForAgent } from "./agent-tools";
import { authenticateAgent, bearerOf, type AuthenticatedAgent } from "./authenticate-agent";
import { agentKeyHash } from "../agents/keys";
import { HTTP_STATUS } from "../http";
import { handleToolCall } from "./call-tool";
import type { GatewayOutcome } from "./outcome";
import { resolveCall, type ResolvedCall } from "./resolve-call";
import { waitForCallChange, type CallView } from "./call-status";
import { MAX_BODY_BYTES, readJsonBody } from "./request-body";
import { mcpToolNames } from "./mcp-names";

const STATUS_TOOL = "toolgate_call_status";
const FINAL = new Set(["succeeded", "failed", "denied", "expired", "cancelled", "rejected"]);

export function approvalWaitMs(): number {
  const configured = Number(process.env.TOOLGATE_MCP_APPROVAL_WAIT_MS);
  return Number.isFinite(configured) && configured >= 0 ? configured : 50_000;
}

function allowedOrigin(origin: string, request: Request): boolean {
  const allowed = new Set([
    getEnv().publicUrl,
    new URL(request.url).origin,
    ...(process.env.TOOLGATE_MCP_ALLOWED_ORIGINS ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean),
  ]);
  return allowed.has(origin);
}

const text = (value: unknown) => ({ type: "text" as const, text: typeof value === "string" ? value : JSON.stringify(value, null, 2) });

function errorResult(code: string, message: string, extra: Record<string, unknown> = {}): CallToolResult {
  return { isError: true, content: [text(`${code}: ${message}`)], structuredContent: { error: { code, message }, ...extra } };
}

/** What an MCP client receives for a call's current state. */
function resultOfView(view: CallView): CallToolResult {
  if (view.status === "succeeded") {
    const upstream = view.result as CallToolResult | null;
    return {
      content: upstream?.content ?? [text(view.result)],
      ...(upstream?.structuredContent ? { structuredContent: upstream.structuredContent } : {}),
      _meta: { "toolgate/callId": view.callId },
    };
  }
  if (FINAL.has(view.status)) {
    const message =
      view.status === "denied"
        ? `The request was denied${view.denial?.comment ? `: ${view.denial.comment}` : "."}`
        : (view.error?.message ?? `The call ended ${view.status}.`);
    return errorResult(view.status, message, { callId: view.callId, status: view.status });
  }
  return {
    content: [
      text(
        `Waiting for approval (call ${view.callId}, status ${view.status}). Ask again later with the ${STATUS_TOOL} tool and this callId.`,
      ),
    ],
    structuredContent: { callId: view.callId, status: view.status, approvals: view.approvals, statusTool: STATUS_TOOL },
  };
}

/** What an MCP client receives for the gateway's outcome of a `tools/call`. */
async function resultOfOutcome(db: Database, agent: AgentIdentity, outcome: GatewayOutcome, signal: AbortSignal): Promise<CallToolResult> {
  switch (outcome.kind) {
    case "succeeded":
      return resultOfView({ callId: outcome.callId, status: "succeeded", result: outcome.result } as CallView);
    case "failed":
      return errorResult(outcome.error.code, outcome.error.message, { callId: outcome.callId, status: outcome.status });
    case "pending_approval":
      return resultOfView(await waitUntilSettled(db, agent, outcome.callId, approvalWaitMs(), signal));
    case "rejected":
      return errorResult(outcome.code, outcome.message, outcome.callId ? { callId: outcome.callId } : {});
    case "replayed":
      return resultOfOutcome(db, agent, outcome.outcome, signal);
  }
}

/** Who is calling, from the one read of this request (authenticateAgent, or the tool call's own read). */
type AgentIdentity = Pick<AuthenticatedAgent, "agentId" | "workspaceId">;

/** `<integration slug>__<tool>` → the envelope's names (slugs never contain "_", so the first "__" splits). */
function namesOf(mcpName: string): { integration: string; tool: string } {
  const split = mcpName.indexOf("__");
  return split > 0 ? { integration: mcpName.slice(0, split), tool: mcpName.slice(split + 2) } : { integration: mcpName, tool: mcpName };
}

function envelopeOf(
  params: { name: string; arguments?: Record<string, unknown>; _meta?: Record<string, unknown> },
  names = namesOf(params.name),
) {
  const meta = params._meta ?? {};
  return {
    integration: names.integration,
    tool: names.tool,
    arguments: params.arguments ?? {},
    ...(meta["toolgate/requester"] ? { requester: meta["toolgate/requester"] } : {}),
    ...(meta["toolgate/ticket"] ? { ticket: meta["toolgate/ticket"] } : {}),
    ...(meta["toolgate/reason"] ? { reason: meta["toolgate/reason"] } : {}),
  };
}

function buildServer(
  handle: DatabaseHandle,
  agent: AgentIdentity & { presentedKey: string },
  preResolved: { names: { integration: string; tool: string }; resolved: ResolvedCall } | null,
  signal: AbortSignal,
): Server {
  const db = handle.db;
  const server = new Server({ name: "toolgate", version: "1.0.0" }, { capabilities: { tools: { listChanged: true } } });
  const scope = { id: agent.agentId, workspaceId: agent.workspaceId };

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const tools = await listToolsForAgent(db, scope);
    const names = mcpToolNames(tools);
    const byKey = new Map(tools.map((tool) => [`${tool.integration}\u0000${tool.name}`, tool]));
    const listed: Tool[] = [...names.entries()].map(([name, ref]) => {
      const tool = byKey.get(`${ref.integration}\u0000${ref.name}`)!;
      const approval =
        tool.policy === "approval_needed"
          ? ` [Needs human approval${tool.managerApproval ? " from a technician and the requester's manager: pass the requester in _meta" : ""} before it runs.]`
          : "";
      return {
        name,
        ...(tool.title ? { title: tool.title } : {}),
        description: `${tool.description}${approval}`.trim(),
        inputSchema: tool.inputSchema as Tool["inputSchema"],
        annotations: tool.annotations,
      };
    });
    listed.push({
      name: STATUS_TOOL,
      title: "Toolgate call status",
      description: "The status (and result, once it ran) of a call that was waiting for approval.",
      inputSchema: { type: "object", properties: { callId: { type: "string" } }, required: ["callId"] },
      annotations: { readOnlyHint: true },
    });
    return { tools: listed };
  });

  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const { name, arguments: args = {} } = request.params;
    try {
      if (name === STATUS_TOOL) {
        const view = await waitForCallChange(db, { workspaceId: agent.workspaceId, agentId: agent.agentId }, String(args.callId ?? ""), 0);
        return resultOfView(view);
      }
      let names = namesOf(name);
      // A name the SDK had to shorten or clean (`…_1a2b3c4d`) is found in the agent's listed tools.
      if (/_[0-9a-f]{8}$/.test(name)) {
        const ref = mcpToolNames(await listToolsForAgent(db, scope)).get(name);
        if (ref) names = { integration: ref.integration, tool: ref.name };
      }
      const envelope = envelopeOf(request.params as Parameters<typeof envelopeOf>[0], names);
      const reuse = preResolved && preResolved.names.integration === names.integration && preResolved.names.tool === names.tool;
      const outcome = await handleToolCall(handle, {
        presentedKey: agent.presentedKey,
        body: envelope,
        idempotencyKey: null,
        ...(reuse ? { resolved: preResolved.resolved } : {}),
      });
      return resultOfOutcome(db, agent, outcome, signal);
    } catch (error) {
      if (isServiceError(error)) return errorResult(error.code, error.message);
      throw error;
    }
  });
  return server;
}

async function waitUntilSettled(
  db: Database,
  agent: AgentIdentity,
  callId: string,
  waitMs: number,
  signal: AbortSignal,
): Promise<CallView> {
  const reader = { workspaceId: agent.workspaceId, agentId: agent.agentId };
  const deadline = Date.now() + waitMs;
  let view = await waitForCallChange(db, reader, callId, 0);
  while (!FINAL.has(view.status) && Date.now() < deadline && !signal.aborted) {
    view = await waitForCallChange(db, reader, callId, Math.max(1, Math.ceil((deadline - Date.now()) / 1000)), signal);
  }
  return view;
}

/** A JSON-RPC error answered before the MCP transport is involved. */
function jsonRpcError(status: number, code: number, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ jsonrpc: "2.0", error: { code, message }, id: null }, { status, headers });
}

const UNAUTHORIZED = () =>
  jsonRpcError(401, -32001, "Unauthorized: send your Toolgate API key as a bearer token.", {
    "www-authenticate": 'Bearer realm="toolgate", error="invalid_token"',
  });

/** The single `tools/call` of a POST body (not the status tool), whose one read also authenticates. */
function singleToolCall(body: unknown): { name: string } | null {
  if (!body || typeof body !== "object" || Array.isArray(body)) return null;
  const message = body as { method?: unknown; params?: { name?: unknown } };
  if (message.method !== "tools/call" || typeof message.params?.name !== "string" || message.params.name === STATUS_TOOL) return null;
  return { name: message.params.name };
}

/**
 * /api/mcp: the same gateway for agents that speak MCP (Streamable HTTP, stateless for POSTs so any
 * instance answers). A `tools/call` makes the gateway's one read, which also authenticates the key;
 * other requests authenticate with one query. A GET opens the notification stream, which receives
 * `tools/list_changed` whenever the workspace's toolset version changes.
 */
export async function handleMcpRequest(handle: DatabaseHandle, request: Request): Promise<Response> {
  const db = handle.db;
  const origin = request.headers.get("origin");
  if (origin && !allowedOrigin(origin, request))
    return jsonRpcError(403, -32000, `Origin ${origin} is not allowed to use this MCP endpoint.`);
  const presentedKey = bearerOf(request);
  if (!presentedKey) return UNAUTHORIZED();

  let parsedBody: unknown;
  let agent: AgentIdentity | null;
  let preResolved: { names: { integration: string; tool: string }; resolved: ResolvedCall } | null = null;
  if (request.method === "POST") {
    try {
      parsedBody = await readJsonBody(request, MAX_BODY_BYTES);
    } catch (error) {
      if (isServiceError(error)) return jsonRpcError(HTTP_STATUS[error.code], -32700, error.message);
      throw error;
    }
    const call = singleToolCall(parsedBody);
    if (call) {
      const names = namesOf(call.name);
      const resolved = await resolveCall(handle, agentKeyHash(presentedKey), names.integration, names.tool);
      agent = resolved && !resolved.keyRevoked && !resolved.keyRetired ? identityOf(resolved) : null;
      preResolved = resolved && { names, resolved };
    } else {
      agent = await authenticateAgent(db, presentedKey);
    }
  } else {
    agent = await authenticateAgent(db, presentedKey);
  }
  if (!agent) return UNAUTHORIZED();

  const controller = new AbortController();
  request.signal.addEventListener("abort", () => controller.abort(), { once: true });
  const server = buildServer(handle, { ...agent, presentedKey }, preResolved, controller.signal);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
    maxRequestBodySize: MAX_BODY_BYTES,
  });
  await server.connect(transport);

  if (request.method === "GET") {
    const workspaceId = agent.workspaceId;
    const unsubscribe = await subscribeEvents((event) => {
      if (event.type === "toolset" && event.workspaceId === workspaceId) void server.sendToolListChanged().catch(() => {});
    });
    const close = () => {
      unsubscribe();
      void server.close();
    };
    controller.signal.addEventListener("abort", close, { once: true });
    transport.onclose = close;
    return transport.handleRequest(request);
  }
  try {
    return await transport.handleRequest(request, parsedBody === undefined ? undefined : { parsedBody });
  } finally {
    controller.abort();
    void server.close();
  }
}

function identityOf(resolved: ResolvedCall): AgentIdentity {
  return { agentId: resolved.agentId, workspaceId: resolved.workspaceId };
}
