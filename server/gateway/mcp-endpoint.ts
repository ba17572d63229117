import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from "@modelcontextprotocol/sdk/types.js";
import type { Database, DatabaseHandle } from "@/db";
import { getEnv } from "../env";
import { subscribeEvents } from "../events/bus";
import { isServiceError } from "../errors";
import { listToolsForAgent } from "./agent-tools";
import { authenticateAgent, bearerOf, type AuthenticatedAgent } from "./authenticate-agent";
import { handleToolCall } from "./call-tool";
import { waitForCallChange, type CallView } from "./call-status";
import { MAX_BODY_BYTES } from "./request-body";
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

function buildServer(handle: DatabaseHandle, agent: AuthenticatedAgent & { presentedKey: string }, signal: AbortSignal): Server {
  const db = handle.db;
  const server = new Server({ name: "toolgate", version: "1.0.0" }, { capabilities: { tools: { listChanged: true } } });
  const scope = { id: agent.agentId, workspaceId: agent.workspaceId, allClients: agent.allClients, mspWide: agent.mspWide };
  const paused = agent.paused || agent.workspacePaused;

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const tools = paused ? [] : await listToolsForAgent(db, scope);
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
      const names = mcpToolNames(paused ? [] : await listToolsForAgent(db, scope));
      const ref = names.get(name);
      const meta = (request.params._meta ?? {}) as Record<string, unknown>;
      const body = {
        // An unknown name still goes through the gateway, so it is refused and audited the same way.
        integration: ref?.integration ?? name.split("__")[0] ?? name,
        tool: ref?.name ?? name,
        arguments: args,
        ...(meta["toolgate/requester"] ? { requester: meta["toolgate/requester"] } : {}),
        ...(meta["toolgate/ticket"] ? { ticket: meta["toolgate/ticket"] } : {}),
        ...(meta["toolgate/reason"] ? { reason: meta["toolgate/reason"] } : {}),
      };
      const response = await handleToolCall(handle, { presentedKey: agent.presentedKey, body, idempotencyKey: null });
      const payload = response.body as { callId?: string; status?: string; result?: unknown; error?: { code: string; message: string } };
      if (response.status === 200)
        return resultOfView({ callId: payload.callId!, status: "succeeded", result: payload.result } as CallView);
      if (response.status === 202 && payload.callId) {
        const waited = await waitUntilSettled(db, agent, payload.callId, approvalWaitMs(), signal);
        return resultOfView(waited);
      }
      return errorResult(
        payload.error?.code ?? payload.status ?? "error",
        payload.error?.message ?? "The call failed.",
        payload.callId ? { callId: payload.callId } : {},
      );
    } catch (error) {
      if (isServiceError(error)) return errorResult(error.code, error.message);
      throw error;
    }
  });
  return server;
}

async function waitUntilSettled(
  db: Database,
  agent: AuthenticatedAgent,
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

/**
 * /api/mcp: the same gateway for agents that speak MCP (Streamable HTTP, stateless for POSTs so any
 * instance answers). A GET opens the notification stream, which receives `tools/list_changed`
 * whenever the workspace's toolset version changes.
 */
export async function handleMcpRequest(handle: DatabaseHandle, request: Request): Promise<Response> {
  const db = handle.db;
  const origin = request.headers.get("origin");
  if (origin && !allowedOrigin(origin, request)) {
    return Response.json(
      { jsonrpc: "2.0", error: { code: -32000, message: `Origin ${origin} is not allowed to use this MCP endpoint.` }, id: null },
      { status: 403 },
    );
  }
  const presentedKey = bearerOf(request);
  const agent = await authenticateAgent(db, presentedKey);
  if (!agent || !presentedKey) {
    return Response.json(
      { jsonrpc: "2.0", error: { code: -32001, message: "Unauthorized: send your Toolgate API key as a bearer token." }, id: null },
      { status: 401, headers: { "www-authenticate": 'Bearer realm="toolgate"' } },
    );
  }
  const controller = new AbortController();
  request.signal.addEventListener("abort", () => controller.abort(), { once: true });
  const server = buildServer(handle, { ...agent, presentedKey }, controller.signal);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
    maxRequestBodySize: MAX_BODY_BYTES,
  });
  await server.connect(transport);

  if (request.method === "GET") {
    const unsubscribe = await subscribeEvents((event) => {
      if (event.type === "toolset" && event.workspaceId === agent.workspaceId) void server.sendToolListChanged().catch(() => {});
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
    return await transport.handleRequest(request);
  } finally {
    controller.abort();
    void server.close();
  }
}
