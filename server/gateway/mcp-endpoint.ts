import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  type CallToolResult,
  type ServerNotification,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import type { Database, DatabaseHandle } from "@/db";
import { agentKeyHash } from "../agents/keys";
import { getEnv } from "../env";
import { isServiceError } from "../errors";
import { subscribeEvents } from "../events/bus";
import { bearerChallenge, HTTP_STATUS } from "../http";
import { listToolsForAgent, type AgentTool } from "./agent-tools";
import { authenticateAgent, bearerOf, type AuthenticatedAgent } from "./authenticate-agent";
import { callHeadersOf, REQUESTER_ARGUMENT, type CallHeaders } from "./call-hints";
import { waitForCallChange, type CallView } from "./call-status";
import { handleToolCall } from "./call-tool";
import type { GatewayOutcome } from "./outcome";
import { MAX_BODY_BYTES, readJsonBody } from "./request-body";
import { resolveMcpCall, type ResolvedCall } from "./resolve-call";
import { sharedJsonSchemaValidator } from "../mcp/shared-validator";

const STATUS_TOOL = "toolgate_call_status";
const FINAL = new Set(["succeeded", "failed", "denied", "expired", "cancelled", "rejected"]);
/** The SDK client's default request timeout is 60 s, and progress does not reset it by default. */
export const MAX_STATUS_WAIT_SECONDS = 50;
const PROGRESS_EVERY_MS = 5_000;

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

/**
 * For a tool that advertised an output schema, anything but its own result is an error without
 * structured content: the SDK client checks structured content against the schema even on errors.
 * The details move into the text.
 */
function strictly(result: CallToolResult): CallToolResult {
  if (!result.structuredContent) return { ...result, isError: true };
  const { structuredContent, content, ...rest } = result;
  return { ...rest, isError: true, content: [...content, text(structuredContent)] };
}

/**
 * What an MCP client receives for a call's current state (a call still waiting is not an error).
 */
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
        `Waiting for approval (call ${view.callId}, status ${view.status}). Ask again with the ${STATUS_TOOL} tool and this callId (it can wait up to ${MAX_STATUS_WAIT_SECONDS} s for a change).`,
      ),
    ],
    structuredContent: { callId: view.callId, status: view.status, approvals: view.approvals, statusTool: STATUS_TOOL },
  };
}

/** Who is calling, from the one read of this request (authenticateAgent, or the tool call's own read). */
type AgentIdentity = Pick<AuthenticatedAgent, "agentId" | "workspaceId">;

/** Called while a call waits for approval, so the client can be told (MCP progress notifications). */
type OnWait = (view: CallView, waitedMs: number) => Promise<void>;

async function waitUntilSettled(db: Database, agent: AgentIdentity, callId: string, waitMs: number, signal: AbortSignal, onWait?: OnWait) {
  const reader = { workspaceId: agent.workspaceId, agentId: agent.agentId, takeSensitiveResult: true };
  const started = Date.now();
  const deadline = started + waitMs;
  let view = await waitForCallChange(db, reader, callId, 0);
  while (!FINAL.has(view.status) && Date.now() < deadline && !signal.aborted) {
    await onWait?.(view, Date.now() - started);
    const slice = Math.min(deadline - Date.now(), onWait ? PROGRESS_EVERY_MS : Number.POSITIVE_INFINITY);
    view = await waitForCallChange(db, reader, callId, Math.max(1, Math.ceil(slice / 1000)), signal);
  }
  return view;
}

/** What an MCP client receives for the gateway's outcome of a `tools/call`. */
async function resultOfOutcome(
  db: Database,
  agent: AgentIdentity,
  outcome: GatewayOutcome,
  options: { signal: AbortSignal; strict: boolean; onWait?: OnWait },
): Promise<CallToolResult> {
  const result = await resultOf(db, agent, outcome, options);
  return options.strict && (result.isError || outcome.kind !== "succeeded") ? strictly(result) : result;
}

async function resultOf(
  db: Database,
  agent: AgentIdentity,
  outcome: GatewayOutcome,
  options: { signal: AbortSignal; onWait?: OnWait },
): Promise<CallToolResult> {
  switch (outcome.kind) {
    case "succeeded":
      return resultOfView({ callId: outcome.callId, status: "succeeded", result: outcome.result } as CallView);
    case "failed":
      return errorResult(outcome.error.code, outcome.error.message, { callId: outcome.callId, status: outcome.status });
    case "pending_approval":
      return resultOfView(await waitUntilSettled(db, agent, outcome.callId, approvalWaitMs(), options.signal, options.onWait));
    case "rejected":
      return errorResult(outcome.code, outcome.message, {
        ...(outcome.callId ? { callId: outcome.callId } : {}),
        ...(outcome.retryAfterSeconds ? { retryAfterSeconds: outcome.retryAfterSeconds } : {}),
      });
    case "replayed":
      return resultOf(db, agent, outcome.outcome, options);
  }
}

/** A tool that needs the requester's manager offers the model an argument to name the requester. */
function withRequesterArgument(schema: Record<string, unknown>): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  return {
    ...schema,
    properties: {
      ...properties,
      [REQUESTER_ARGUMENT]: {
        type: "string",
        format: "email",
        description:
          "E-mail of the person this is done for (the ticket's requester). Their manager is asked to approve. Leave it out when the agent names the requester itself.",
      },
    },
  };
}

/** The tool as MCP clients see it: its stored MCP name, truthful annotations and Toolgate's policy in `_meta`. */
function listedTool(tool: AgentTool): Tool {
  const approval =
    tool.policy === "approval_needed"
      ? ` [Needs human approval${tool.managerApproval ? ` from a technician and the requester's manager: name the requester (the ${REQUESTER_ARGUMENT} argument)` : ""} before it runs.]`
      : "";
  return {
    name: tool.mcpName,
    ...(tool.title ? { title: tool.title } : {}),
    description: `${tool.description}${approval}`.trim(),
    inputSchema: (tool.managerApproval ? withRequesterArgument(tool.inputSchema) : tool.inputSchema) as Tool["inputSchema"],
    ...(tool.outputSchema ? { outputSchema: tool.outputSchema as Tool["outputSchema"] } : {}),
    annotations: tool.annotations,
    _meta: { "toolgate/policy": tool.policy, "toolgate/managerApproval": tool.managerApproval },
  };
}

const STATUS_TOOL_LISTING: Tool = {
  name: STATUS_TOOL,
  title: "Toolgate call status",
  description: `The status (and result, once it ran) of a call that was waiting for approval. With waitSeconds (at most ${MAX_STATUS_WAIT_SECONDS}), it answers as soon as the status changes.`,
  inputSchema: {
    type: "object",
    properties: {
      callId: { type: "string" },
      waitSeconds: {
        type: "integer",
        minimum: 0,
        maximum: MAX_STATUS_WAIT_SECONDS,
        description: "Wait this long for a change (long-poll).",
      },
    },
    required: ["callId"],
  },
  annotations: { readOnlyHint: true },
};

/** The envelope of a `tools/call`: the resolved tool's names, and the requester, ticket and reason from `_meta`. */
function envelopeOf(
  params: { arguments?: Record<string, unknown>; _meta?: Record<string, unknown> },
  names: { integration: string; tool: string },
) {
  const meta = params._meta ?? {};
  const requester = meta["toolgate/requester"];
  return {
    integration: names.integration,
    tool: names.tool,
    arguments: params.arguments ?? {},
    // `_meta` may name the requester as {"email": …} or as a plain e-mail string.
    ...(requester ? { requester: typeof requester === "string" ? { email: requester } : requester } : {}),
    ...(meta["toolgate/ticket"] ? { ticket: meta["toolgate/ticket"] } : {}),
    ...(meta["toolgate/reason"] ? { reason: meta["toolgate/reason"] } : {}),
  };
}

type PreResolved = { mcpName: string; resolved: ResolvedCall } | null;

function buildServer(
  handle: DatabaseHandle,
  agent: AgentIdentity & { presentedKey: string },
  context: { preResolved: PreResolved; headers: CallHeaders; signal: AbortSignal },
): Server {
  const db = handle.db;
  const server = new Server(
    { name: "toolgate", version: "1.0.0" },
    { capabilities: { tools: { listChanged: true } }, jsonSchemaValidator: sharedJsonSchemaValidator },
  );

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const tools = await listToolsForAgent(
      db,
      { id: agent.agentId, workspaceId: agent.workspaceId },
      { mode: context.headers.mode ?? null },
    );
    return { tools: [...tools.map(listedTool), STATUS_TOOL_LISTING] };
  });

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const { name, arguments: args = {} } = request.params;
    try {
      if (name === STATUS_TOOL) {
        const waitSeconds = Math.min(Math.max(0, Math.floor(Number(args.waitSeconds ?? 0)) || 0), MAX_STATUS_WAIT_SECONDS);
        const reader = { workspaceId: agent.workspaceId, agentId: agent.agentId, takeSensitiveResult: true };
        return resultOfView(await waitForCallChange(db, reader, String(args.callId ?? ""), waitSeconds, context.signal));
      }
      const resolved =
        context.preResolved?.mcpName === name
          ? context.preResolved.resolved
          : await resolveMcpCall(handle, agentKeyHash(agent.presentedKey), name);
      // A name that is no tool of this workspace is still refused and audited by the gateway, under the name it was called by.
      const names =
        resolved?.tool && resolved.integration
          ? { integration: resolved.integration.slug, tool: resolved.tool.name }
          : { integration: name.split("__")[0] || name, tool: name };
      const outcome = await handleToolCall(handle, {
        presentedKey: agent.presentedKey,
        body: envelopeOf(request.params, names),
        idempotencyKey: null,
        headers: context.headers,
        ...(resolved ? { resolved } : {}),
      });
      const progressToken = request.params._meta?.progressToken;
      const onWait: OnWait | undefined =
        progressToken === undefined
          ? undefined
          : async (view, waitedMs) => {
              const waitingFor = view.approvals.filter((approval) => approval.status === "pending").map((approval) => approval.kind);
              const notification: ServerNotification = {
                method: "notifications/progress",
                params: {
                  progressToken,
                  progress: Math.round(waitedMs / 1000),
                  message: `Waiting for approval${waitingFor.length ? ` (${waitingFor.join(" and ")})` : ""}: call ${view.callId}.`,
                },
              };
              await extra.sendNotification(notification).catch(() => {});
            };
      return resultOfOutcome(db, agent, outcome, { signal: context.signal, strict: Boolean(resolved?.tool?.hasOutputSchema), onWait });
    } catch (error) {
      if (isServiceError(error)) return errorResult(error.code, error.message);
      throw error;
    }
  });
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

/** The single `tools/call` of a POST body (not the status tool), whose one read also authenticates. */
function singleToolCall(body: unknown): { name: string; wantsProgress: boolean } | null {
  if (!body || typeof body !== "object" || Array.isArray(body)) return null;
  const message = body as { method?: unknown; params?: { name?: unknown; _meta?: { progressToken?: unknown } } };
  if (message.method !== "tools/call" || typeof message.params?.name !== "string" || message.params.name === STATUS_TOOL) return null;
  return { name: message.params.name, wantsProgress: message.params._meta?.progressToken !== undefined };
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
 * waits for it (sending progress notifications when the client asked for progress). A GET opens
 * the notification stream, which receives `tools/list_changed` whenever the toolset changes.
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
  const call = singleToolCall(parsedBody);
  if (call) {
    wantsProgress = call.wantsProgress;
    const resolved = await resolveMcpCall(handle, agentKeyHash(presentedKey), call.name);
    agent =
      resolved && !resolved.keyRevoked && !resolved.keyRetired ? { agentId: resolved.agentId, workspaceId: resolved.workspaceId } : null;
    preResolved = resolved && { mcpName: call.name, resolved };
  } else {
    agent = await authenticateAgent(db, presentedKey);
  }
  if (!agent) return UNAUTHORIZED();

  const controller = new AbortController();
  request.signal.addEventListener("abort", () => controller.abort(), { once: true });
  const server = buildServer(handle, { ...agent, presentedKey }, { preResolved, headers, signal: controller.signal });
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    // Progress notifications need a stream for the request; everything else is answered as JSON.
    enableJsonResponse: !wantsProgress,
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
  }
}
