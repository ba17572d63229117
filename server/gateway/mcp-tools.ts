import type { CallToolResult, ServerNotification, Tool } from "@modelcontextprotocol/sdk/types.js";
import type { Database, DatabaseHandle } from "@/db";
import { isServiceError } from "../errors";
import { listToolsForAgent, type AgentTool } from "./agent-tools";
import type { AuthenticatedAgent } from "./authenticate-agent";
import { REQUESTER_ARGUMENT, type CallHeaders } from "./call-hints";
import { waitForCallChange, type CallView } from "./call-status";
import { handleToolCall, prepareRead, type PreparedRead } from "./call-tool";
import { parseEnvelope } from "./envelope";
import type { GatewayOutcome } from "./outcome";
import type { ResolvedCall } from "./resolve-call";
import { getEnv } from "../env";

/*
 * The gateway as MCP tools, whatever the protocol revision: the tool list and the answer to a
 * `tools/call`. The endpoint serves these through the 1.x SDK for 2025-era clients and through the
 * 2.x SDK for 2026-07-28 clients; both call these functions, so the two revisions cannot drift.
 */

export const STATUS_TOOL = "toolgate_call_status";
const FINAL = new Set(["succeeded", "failed", "denied", "expired", "cancelled", "rejected"]);
/** The SDK client's default request timeout is 60 s, and progress does not reset it by default. */
const MAX_STATUS_WAIT_SECONDS = 50;
const PROGRESS_EVERY_MS = 5_000;

function approvalWaitMs(): number {
  const configured = Number(getEnv().TOOLGATE_MCP_APPROVAL_WAIT_MS);
  return Number.isFinite(configured) && configured >= 0 ? configured : 50_000;
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
export type AgentIdentity = Pick<AuthenticatedAgent, "agentId" | "workspaceId">;

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
    case "pending_approval": {
      const view = await waitUntilSettled(db, agent, outcome.callId, approvalWaitMs(), options.signal, options.onWait);
      // Where each request went (the REST 202's approvals[].channels), told on MCP too.
      const channels = new Map(outcome.approvals.map((approval) => [approval.kind, approval.channels]));
      return resultOfView({
        ...view,
        approvals: view.approvals.map((approval) => {
          const reach = channels.get(approval.kind as (typeof outcome.approvals)[number]["kind"]);
          return reach ? { ...approval, channels: reach } : approval;
        }),
      });
    }
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

/**
 * The names a `tools/call` is recorded under: the resolved tool's, else (a name no tool of this
 * workspace holds, still refused and audited by the gateway) the name it was called by.
 */
function namesOf(resolved: ResolvedCall | null, name: string): { integration: string; tool: string } {
  return resolved?.tool && resolved.integration
    ? { integration: resolved.integration.slug, tool: resolved.tool.name }
    : { integration: name.split("__")[0] || name, tool: name };
}

/** The gateway's one read of a `tools/call`, by the tool's stored MCP name. `predict`: see prepareRead. */
export function readMcpCall(
  handle: DatabaseHandle,
  request: { presentedKey: string; params: CallParams; headers: CallHeaders; predict: boolean },
): Promise<PreparedRead> {
  const { name } = request.params;
  return prepareRead(handle, {
    presentedKey: request.presentedKey,
    lookup: { kind: "mcp", name },
    envelopeFor: (resolved) => parseEnvelope(envelopeOf(request.params, namesOf(resolved, name))),
    headers: request.headers,
    predict: request.predict,
  });
}

/**
 * A tool call whose one read (by its stored MCP name) already happened while authenticating;
 * `consumed` once the call took it (a read that recorded the call and was never consumed is
 * marked refused by the endpoint).
 */
export type PreResolved = { mcpName: string; read: PreparedRead; consumed: boolean } | null;

/** What a `tools/call` needs of the request it arrived in. */
export type McpCallContext = {
  agent: AgentIdentity & { presentedKey: string };
  preResolved: PreResolved;
  headers: CallHeaders;
  signal: AbortSignal;
};

/** `tools/list`: the agent's tools as MCP clients see them (in plan mode, only those it may call), and the status tool. */
export async function listMcpTools(db: Database, agent: AgentIdentity, mode: CallHeaders["mode"]): Promise<{ tools: Tool[] }> {
  const tools = await listToolsForAgent(db, { id: agent.agentId, workspaceId: agent.workspaceId }, { mode });
  return { tools: [...tools.map(listedTool), STATUS_TOOL_LISTING] };
}

export type CallParams = {
  name: string;
  arguments?: Record<string, unknown>;
  _meta?: Record<string, unknown> & { progressToken?: string | number };
};

/**
 * `tools/call`: the status tool, or the gateway's one call path with its outcome as an MCP result.
 * `notify` sends a notification related to this request (progress while an approval is awaited).
 */
export async function callMcpTool(
  handle: DatabaseHandle,
  context: McpCallContext,
  params: CallParams,
  notify: (notification: ServerNotification) => Promise<void>,
): Promise<CallToolResult> {
  const db = handle.db;
  const { agent } = context;
  const { name, arguments: args = {} } = params;
  try {
    if (name === STATUS_TOOL) {
      const waitSeconds = Math.min(Math.max(0, Math.floor(Number(args.waitSeconds ?? 0)) || 0), MAX_STATUS_WAIT_SECONDS);
      const reader = { workspaceId: agent.workspaceId, agentId: agent.agentId, takeSensitiveResult: true };
      return resultOfView(await waitForCallChange(db, reader, String(args.callId ?? ""), waitSeconds, context.signal));
    }
    const pre = context.preResolved?.mcpName === name ? context.preResolved : null;
    if (pre) pre.consumed = true;
    const read =
      pre?.read ?? (await readMcpCall(handle, { presentedKey: agent.presentedKey, params, headers: context.headers, predict: true }));
    const resolved = read.resolved;
    const outcome = await handleToolCall(handle, {
      presentedKey: agent.presentedKey,
      body: envelopeOf(params, namesOf(resolved, name)),
      idempotencyKey: null,
      headers: context.headers,
      read,
    });
    const progressToken = params._meta?.progressToken;
    const onWait: OnWait | undefined =
      progressToken === undefined
        ? undefined
        : async (view, waitedMs) => {
            const waitingFor = view.approvals.filter((approval) => approval.status === "pending").map((approval) => approval.kind);
            await notify({
              method: "notifications/progress",
              params: {
                progressToken,
                progress: Math.round(waitedMs / 1000),
                message: `Waiting for approval${waitingFor.length ? ` (${waitingFor.join(" and ")})` : ""}: call ${view.callId}.`,
              },
            }).catch(() => {});
          };
    return resultOfOutcome(db, agent, outcome, { signal: context.signal, strict: Boolean(resolved?.tool?.hasOutputSchema), onWait });
  } catch (error) {
    if (isServiceError(error)) return errorResult(error.code, error.message);
    throw error;
  }
}
