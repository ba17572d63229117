import { and, eq, lt } from "drizzle-orm";
import type { Database, DatabaseHandle } from "@/db";
import { newId } from "@/db/ids";
import { isUniqueViolation } from "@/db/results";
import { agents, toolCalls } from "@/db/schema";
import { recordAudit } from "../audit/record";
import { countPendingCalls, createApprovalRequests } from "../approvals/create";
import { resolveRequester } from "../approvals/resolve-requester";
import { requesterFromTicket } from "../approvals/verify-ticket";
import { isServiceError, ServiceError } from "../errors";
import { canonicalJson } from "../integrations/definition-hash";
import { decide, type Decision } from "../policy/decide";
import { sha256Hex } from "../tokens";
import { agentKeyHash } from "../agents/keys";
import { enqueueJob } from "../jobs/enqueue";
import { parseEnvelope, type CallEnvelope } from "./envelope";
import { executeUpstream, storableResult } from "./execute";
import { touchKeyUsage } from "./key-usage";
import { finishCallWithAudit, insertCallWithAudit, recordFinishedCall, type CallRecord } from "./record-call";
import { resolveCall, type ResolvedCall } from "./resolve-call";
import { errorBody, statusUrlOf, type GatewayResponse } from "./responses";
import { schemaUnsupportedMessage, validateArguments } from "./validate-arguments";

export const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;

export type ToolCallInput = { presentedKey: string | null; body: unknown; idempotencyKey: string | null };

const REJECT_MESSAGES = {
  agent_paused: "This agent is paused by the MSP: no tool calls are accepted until it is resumed.",
  unknown_tool: "There is no such integration or tool for this agent.",
  integration_paused: "This integration is paused by the MSP: its tools cannot be called until it is resumed.",
  tool_disabled: "This tool is disabled by policy: the call was refused and nothing was sent upstream.",
} as const;

type Claim = { callId: string } | { replay: GatewayResponse };

/**
 * Claims an Idempotency-Key for this agent before anything is decided: the same key and body later
 * returns the stored response without a second upstream call; a different body is refused (422);
 * a request still in flight gets 409. Keys older than 24 hours are released for reuse.
 */
async function claimIdempotencyKey(db: Database, base: CallRecord, key: string, requestHash: string): Promise<Claim> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const callId = newId("call");
    try {
      await db
        .insert(toolCalls)
        .values({ ...base, id: callId, status: "executing", decisionReason: "deciding", idempotencyKey: key, requestHash });
      return { callId };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const [existing] = await db
      .select()
      .from(toolCalls)
      .where(and(eq(toolCalls.agentId, base.agentId), eq(toolCalls.idempotencyKey, key)));
    if (!existing) continue;
    if (existing.createdAt.getTime() < Date.now() - IDEMPOTENCY_WINDOW_MS) {
      await db
        .update(toolCalls)
        .set({ idempotencyKey: null })
        .where(and(eq(toolCalls.id, existing.id), lt(toolCalls.createdAt, new Date(Date.now() - IDEMPOTENCY_WINDOW_MS))));
      continue;
    }
    if (existing.requestHash !== requestHash) {
      return {
        replay: errorBody(
          "idempotency_key_reused",
          "This Idempotency-Key was already used with a different request body. Use a new key for a new request.",
        ),
      };
    }
    if (existing.responseStatus === null || existing.responseBody === null) {
      return {
        replay: {
          ...errorBody(
            "idempotency_in_flight",
            "A request with this Idempotency-Key is still being processed. Retry shortly to get its outcome.",
          ),
          headers: { "retry-after": "1" },
        },
      };
    }
    return {
      replay: {
        status: existing.responseStatus,
        body: existing.responseBody as Record<string, unknown>,
        headers: { "idempotent-replayed": "true" },
      },
    };
  }
  throw new ServiceError("conflict", "Could not claim the Idempotency-Key; retry.");
}

function baseRecord(resolved: ResolvedCall, envelope: CallEnvelope): CallRecord {
  return {
    workspaceId: resolved.workspaceId,
    agentId: resolved.agentId,
    agentKeyPrefix: resolved.keyPrefix,
    integrationId: resolved.integration?.id ?? null,
    toolId: resolved.tool?.id ?? null,
    clientId: resolved.integration?.clientId ?? null,
    integrationSlug: envelope.integration,
    toolName: envelope.tool,
    arguments: envelope.arguments,
    argumentsDigest: sha256Hex(canonicalJson(envelope.arguments)),
    requesterEmail: envelope.requester?.email.toLowerCase() ?? null,
    ticketSystem: envelope.ticket?.system ?? null,
    ticketId: envelope.ticket?.id ?? null,
    reason: envelope.reason ?? null,
    status: "rejected",
    decisionReason: "",
  };
}

/** What one gateway request knows once its call is resolved, shared by the outcome paths below. */
type CallContext = {
  handle: DatabaseHandle;
  db: Database;
  resolved: ResolvedCall;
  envelope: CallEnvelope;
  base: CallRecord;
  decision: Decision;
  /** The call row claimed for an Idempotency-Key (it exists already), or null. */
  claimedId: string | null;
  started: number;
};

type Outcome = {
  status: "rejected" | "succeeded" | "failed";
  response: GatewayResponse;
  /** What the stored response says (results are size-capped). */
  storedBody?: Record<string, unknown>;
  result?: unknown;
  errorCode?: string | null;
  errorMessage?: string | null;
  action: string;
  audit: Record<string, unknown>;
  callId?: string;
  startedAt?: Date;
};

/**
 * Records how a call ended, with its audit event, in one statement: the claimed row for an
 * Idempotency-Key (whose response is stored for replays), else a new row (the hot path).
 */
async function recordOutcome(ctx: CallContext, outcome: Outcome): Promise<GatewayResponse> {
  const latencyMs = Math.round(performance.now() - ctx.started);
  const audit = {
    action: outcome.action,
    data: {
      keyPrefix: ctx.resolved.keyPrefix,
      tool: `${ctx.envelope.integration}/${ctx.envelope.tool}`,
      argumentsDigest: ctx.base.argumentsDigest,
      decision: ctx.decision.kind,
      latencyMs,
      ...outcome.audit,
    },
  };
  const fields = {
    status: outcome.status,
    result: outcome.result ?? null,
    errorCode: outcome.errorCode ?? null,
    errorMessage: outcome.errorMessage ?? null,
    latencyMs,
  };
  if (ctx.claimedId) {
    await finishCallWithAudit(
      ctx.db,
      ctx.claimedId,
      ctx.resolved.workspaceId,
      { ...fields, responseStatus: outcome.response.status, responseBody: outcome.storedBody ?? outcome.response.body },
      { ...audit, actorId: ctx.resolved.agentId },
    );
  } else {
    await recordFinishedCall(
      ctx.handle,
      {
        ...ctx.base,
        ...fields,
        id: outcome.callId,
        decisionReason: ctx.decision.reason,
        startedAt: outcome.startedAt ?? null,
        finishedAt: outcome.startedAt ? new Date() : null,
      },
      audit,
    );
  }
  return outcome.response;
}

function refuse(ctx: CallContext, response: GatewayResponse, reason: string): Promise<GatewayResponse> {
  const error = (response.body as { error: { code: string; message: string } }).error;
  return recordOutcome(ctx, {
    status: "rejected",
    response,
    errorCode: error.code,
    errorMessage: error.message,
    action: "call.rejected",
    audit: { outcome: error.code, reason },
  });
}

/**
 * POST /api/gateway: authenticate, decide from the stored policy, validate the arguments, then
 * execute (auto), create approval requests (approval_needed) or refuse — before any upstream
 * request. On the auto path: one prepared read before the upstream call, one write after it.
 */
export async function handleToolCall(handle: DatabaseHandle, input: ToolCallInput): Promise<GatewayResponse> {
  const started = performance.now();
  const db = handle.db;
  if (!input.presentedKey) return errorBody("unauthorized", 'Send your API key as "Authorization: Bearer tg_…".');
  const envelope = parseEnvelope(input.body);
  const resolved = await resolveCall(handle, agentKeyHash(input.presentedKey), envelope.integration, envelope.tool);
  if (!resolved || resolved.keyRevoked) return errorBody("unauthorized", "The API key is not valid: it is unknown or has been revoked.");
  touchKeyUsage(db, resolved.keyId, resolved.keyLastUsedAt);

  const base = baseRecord(resolved, envelope);
  let claimedId: string | null = null;
  if (input.idempotencyKey) {
    const claim = await claimIdempotencyKey(db, base, input.idempotencyKey, sha256Hex(canonicalJson(input.body)));
    if ("replay" in claim) return claim.replay;
    claimedId = claim.callId;
  }

  const decision = decide({
    workspaceAgentsPaused: resolved.workspaceAgentsPaused,
    agentPaused: resolved.agentPaused,
    integration: resolved.integration,
    tool: resolved.tool,
  });
  const ctx: CallContext = { handle, db, resolved, envelope, base, decision, claimedId, started };
  if (decision.kind === "reject") return refuse(ctx, errorBody(decision.code, REJECT_MESSAGES[decision.code]), decision.reason);
  const tool = resolved.tool!;
  const unsupported = schemaUnsupportedMessage(tool.definitionHash, tool.inputSchema, envelope.tool);
  if (unsupported) return refuse(ctx, errorBody("schema_unsupported", unsupported), decision.reason);
  const argumentErrors = validateArguments(tool.definitionHash, tool.inputSchema, envelope.arguments);
  if (argumentErrors.length) {
    const message = `The arguments do not match ${envelope.tool}'s input schema: ${argumentErrors.map((error) => `${error.path} ${error.message}`).join("; ")}.`;
    return refuse(ctx, errorBody("invalid_arguments", message, { errors: argumentErrors }), decision.reason);
  }
  if (decision.kind === "await_approval") return requestApproval(ctx, decision);

  const callId = claimedId ?? newId("call");
  const startedAt = new Date();
  const outcome = await executeUpstream(resolved.integration!, tool.name, envelope.arguments);
  const response: GatewayResponse = outcome.ok
    ? { status: 200, body: { callId, status: "succeeded", result: outcome.result } }
    : { status: 502, body: { callId, status: "failed", error: { code: "upstream_failed", message: outcome.message } } };
  const stored = outcome.ok ? storableResult(outcome.result) : null;
  await recordOutcome(ctx, {
    status: outcome.ok ? "succeeded" : "failed",
    response,
    storedBody: outcome.ok ? { ...response.body, result: stored } : response.body,
    result: stored,
    errorCode: outcome.ok ? null : "upstream_failed",
    errorMessage: outcome.ok ? null : outcome.message,
    action: outcome.ok ? "call.succeeded" : "call.failed",
    audit: { outcome: outcome.ok ? "succeeded" : "failed" },
    callId,
    startedAt,
  });
  if (resolved.agentHasWebhook)
    await enqueueJob(db, { kind: "agent_call_webhook", workspaceId: resolved.workspaceId, payload: { callId } });
  return response;
}

/**
 * The approval_needed path: the requester (confirmed by the ticket where one is named), their
 * manager from the Directory when Manager Approval is on, the per-agent flood limit, then the call
 * and its approval requests in one transaction.
 */
async function requestApproval(ctx: CallContext, decision: Extract<Decision, { kind: "await_approval" }>): Promise<GatewayResponse> {
  const { db, resolved, envelope, base, claimedId } = ctx;
  const needsManager = decision.approvals.includes("manager");
  // The ticket, when one is named and its system is connected, decides who the requester is.
  let requesterEmail = envelope.requester?.email.toLowerCase() ?? null;
  let verified = false;
  if (envelope.ticket) {
    try {
      const fromTicket = await requesterFromTicket(db, {
        workspaceId: resolved.workspaceId,
        clientId: resolved.integration!.clientId,
        ticket: envelope.ticket,
        namedEmail: requesterEmail,
      });
      requesterEmail = fromTicket.email;
      verified = fromTicket.verified;
    } catch (error) {
      if (isServiceError(error) && (error.code === "requester_mismatch" || error.code === "upstream_failed"))
        return refuse(ctx, errorBody(error.code, error.message), decision.reason);
      throw error;
    }
  }
  const requester = requesterEmail
    ? await resolveRequester(db, { workspaceId: resolved.workspaceId, clientId: resolved.integration!.clientId, email: requesterEmail })
    : null;
  if (needsManager && !requesterEmail) {
    return refuse(
      ctx,
      errorBody(
        "requester_manager_unknown",
        'This tool needs the approval of the requester\'s manager: name the requester ({"requester": {"email": "…"}}).',
      ),
      decision.reason,
    );
  }
  if (needsManager && !requester?.managerId) {
    const message = `No manager is known for ${requesterEmail} in this client's Directory, so Manager Approval cannot be asked. An admin can add them in Toolgate's Directory.`;
    return refuse(ctx, errorBody("requester_manager_unknown", message), decision.reason);
  }

  const expiresAt = new Date(Date.now() + resolved.approvalExpirySeconds * 1000);
  const callId = claimedId ?? newId("call");
  const approvals = decision.approvals.map((kind) => ({ kind, status: "pending" as const }));
  const response: GatewayResponse = {
    status: 202,
    body: { callId, status: "pending_approval", approvals, statusUrl: statusUrlOf(callId), expiresAt: expiresAt.toISOString() },
  };
  const created = await db.transaction(async (tx) => {
    // Serialises this agent's pending-approval count (the flood limit) across instances.
    await tx.select({ id: agents.id }).from(agents).where(eq(agents.id, resolved.agentId)).for("update");
    if ((await countPendingCalls(tx, resolved.agentId)) >= resolved.maxPendingApprovals) return false;
    const fields = {
      status: "pending_approval" as const,
      requesterEmail,
      requesterPersonId: requester?.requesterId ?? null,
      requesterSource: requesterEmail ? (verified ? ("verified_by_ticket" as const) : ("named_by_agent" as const)) : null,
      expiresAt,
      responseStatus: 202,
      responseBody: response.body,
      decisionReason: decision.reason,
    };
    const audit = {
      action: "call.pending_approval",
      data: {
        keyPrefix: resolved.keyPrefix,
        tool: `${envelope.integration}/${envelope.tool}`,
        argumentsDigest: base.argumentsDigest,
        decision: decision.kind,
        approvals: decision.approvals,
        reason: decision.reason,
      },
    };
    if (claimedId) {
      await tx.update(toolCalls).set(fields).where(eq(toolCalls.id, claimedId));
      await recordAudit(tx, {
        workspaceId: resolved.workspaceId,
        actorType: "agent",
        actorId: resolved.agentId,
        clientId: base.clientId,
        subjectType: "call",
        subjectId: claimedId,
        callId: claimedId,
        ...audit,
      });
    } else {
      await insertCallWithAudit(tx, { ...base, ...fields, id: callId }, audit);
    }
    await createApprovalRequests(tx, {
      workspaceId: resolved.workspaceId,
      callId,
      kinds: decision.approvals,
      argumentsDigest: base.argumentsDigest,
      expiresAt,
      managerPersonId: requester?.managerId ?? null,
    });
    return true;
  });
  if (!created) {
    const message = `This agent already has ${resolved.maxPendingApprovals} calls waiting for approval; wait for decisions before asking for more.`;
    return refuse(ctx, errorBody("too_many_pending_approvals", message), decision.reason);
  }
  return response;
}
