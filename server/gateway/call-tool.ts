import { and, eq, lt, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { newId } from "@/db/ids";
import { agents, toolCalls } from "@/db/schema";
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
import { finishCallWithAudit, insertCallWithAudit, type CallRecord } from "./record-call";
import { resolveCall, type ResolvedCall } from "./resolve-call";
import { errorBody, statusUrlOf, type GatewayResponse } from "./responses";
import { validateArguments } from "./validate-arguments";

export const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;

export type ToolCallInput = { presentedKey: string | null; body: unknown; idempotencyKey: string | null };

const REJECT_MESSAGES = {
  agent_paused: "This agent is paused by the MSP: no tool calls are accepted until it is resumed.",
  unknown_tool: "There is no such integration or tool for this agent.",
  integration_paused: "This integration is paused by the MSP: its tools cannot be called until it is resumed.",
  tool_disabled: "This tool is disabled by policy: the call was refused and nothing was sent upstream.",
} as const;

function isUniqueViolation(error: unknown): boolean {
  for (let current = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; current && depth < 4; depth++) {
    if (current.code === "23505") return true;
    current = current.cause as typeof current;
  }
  return false;
}

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

/**
 * POST /api/gateway: authenticate, decide from the stored policy, validate the arguments, then
 * execute (auto), create approval requests (approval_needed) or refuse — before any upstream
 * request. One database read before the upstream call and one write after it on the auto path.
 */
export async function handleToolCall(db: Database, input: ToolCallInput): Promise<GatewayResponse> {
  const started = performance.now();
  if (!input.presentedKey) return errorBody("unauthorized", 'Send your API key as "Authorization: Bearer tg_…".');
  const envelope = parseEnvelope(input.body);
  const resolved = await resolveCall(db, agentKeyHash(input.presentedKey), envelope.integration, envelope.tool);
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
  const audit = (action: string, extra: Record<string, unknown>) => ({
    action,
    data: {
      keyPrefix: resolved.keyPrefix,
      tool: `${envelope.integration}/${envelope.tool}`,
      argumentsDigest: base.argumentsDigest,
      decision: decision.kind,
      ...extra,
    },
  });

  const reject = async (response: GatewayResponse, code: string, message: string, reason: string): Promise<GatewayResponse> => {
    const latencyMs = Math.round(performance.now() - started);
    const fields = {
      status: "rejected" as const,
      errorCode: code,
      errorMessage: message,
      responseStatus: response.status,
      responseBody: response.body,
      latencyMs,
    };
    const auditEntry = audit("call.rejected", { outcome: code, reason, latencyMs });
    if (claimedId) await finishCallWithAudit(db, claimedId, resolved.workspaceId, fields, { ...auditEntry, actorId: resolved.agentId });
    else await insertCallWithAudit(db, { ...base, ...fields, decisionReason: reason }, auditEntry);
    return response;
  };

  if (decision.kind === "reject") {
    return reject(errorBody(decision.code, REJECT_MESSAGES[decision.code]), decision.code, REJECT_MESSAGES[decision.code], decision.reason);
  }
  const tool = resolved.tool!;
  const integration = resolved.integration!;
  const argumentErrors = validateArguments(tool.definitionHash, tool.inputSchema, envelope.arguments);
  if (argumentErrors.length) {
    const message = `The arguments do not match ${envelope.tool}'s input schema: ${argumentErrors.map((error) => `${error.path} ${error.message}`).join("; ")}.`;
    return reject(errorBody("invalid_arguments", message, { errors: argumentErrors }), "invalid_arguments", message, decision.reason);
  }
  if (decision.kind === "await_approval") return requestApproval(db, { resolved, envelope, base, decision, claimedId, started });

  const callId = claimedId ?? newId("call");
  const startedAt = new Date();
  const outcome = await executeUpstream(integration, tool.name, envelope.arguments);
  const latencyMs = Math.round(performance.now() - started);
  const response: GatewayResponse = outcome.ok
    ? { status: 200, body: { callId, status: "succeeded", result: outcome.result } }
    : { status: 502, body: { callId, status: "failed", error: { code: "upstream_failed", message: outcome.message } } };
  const stored = outcome.ok ? { ...response.body, result: storableResult(outcome.result) } : response.body;
  const fields = {
    status: outcome.ok ? ("succeeded" as const) : ("failed" as const),
    result: outcome.ok ? storableResult(outcome.result) : null,
    errorCode: outcome.ok ? null : "upstream_failed",
    errorMessage: outcome.ok ? null : outcome.message,
    responseStatus: response.status,
    responseBody: stored,
    latencyMs,
  };
  const auditEntry = audit(outcome.ok ? "call.succeeded" : "call.failed", { outcome: fields.status, latencyMs });
  if (claimedId) await finishCallWithAudit(db, claimedId, resolved.workspaceId, fields, { ...auditEntry, actorId: resolved.agentId });
  else
    await insertCallWithAudit(
      db,
      { ...base, ...fields, id: callId, decisionReason: decision.reason, startedAt, finishedAt: new Date() },
      auditEntry,
    );
  if (resolved.agentHasWebhook)
    await enqueueJob(db, { kind: "agent_call_webhook", workspaceId: resolved.workspaceId, payload: { callId } });
  return response;
}

async function requestApproval(
  db: Database,
  {
    resolved,
    envelope,
    base,
    decision,
    claimedId,
    started,
  }: {
    resolved: ResolvedCall;
    envelope: CallEnvelope;
    base: CallRecord;
    decision: Extract<Decision, { kind: "await_approval" }>;
    claimedId: string | null;
    started: number;
  },
): Promise<GatewayResponse> {
  const needsManager = decision.approvals.includes("manager");
  const refuse = async (code: "requester_manager_unknown" | "requester_mismatch" | "upstream_failed", message: string) => {
    const response = errorBody(code, message);
    const latencyMs = Math.round(performance.now() - started);
    const fields = {
      status: "rejected" as const,
      errorCode: code,
      errorMessage: message,
      responseStatus: response.status,
      responseBody: response.body,
      latencyMs,
    };
    const auditEntry = {
      action: "call.rejected",
      data: {
        keyPrefix: resolved.keyPrefix,
        tool: `${envelope.integration}/${envelope.tool}`,
        argumentsDigest: base.argumentsDigest,
        decision: decision.kind,
        outcome: code,
      },
    };
    if (claimedId) await finishCallWithAudit(db, claimedId, resolved.workspaceId, fields, { ...auditEntry, actorId: resolved.agentId });
    else await insertCallWithAudit(db, { ...base, ...fields, decisionReason: decision.reason }, auditEntry);
    return response;
  };
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
        return refuse(error.code, error.message);
      throw error;
    }
  }
  const requester = requesterEmail
    ? await resolveRequester(db, { workspaceId: resolved.workspaceId, clientId: resolved.integration!.clientId, email: requesterEmail })
    : null;
  if (needsManager && !requesterEmail) {
    return refuse(
      "requester_manager_unknown",
      'This tool needs the approval of the requester\'s manager: name the requester ({"requester": {"email": "…"}}).',
    );
  }
  if (needsManager && !requester?.managerId) {
    return refuse(
      "requester_manager_unknown",
      `No manager is known for ${requesterEmail} in this client's Directory, so Manager Approval cannot be asked. An admin can add them in Toolgate's Directory.`,
    );
  }

  const expiresAt = new Date(Date.now() + resolved.approvalExpirySeconds * 1000);
  const callId = claimedId ?? newId("call");
  const approvals = decision.approvals.map((kind) => ({ kind, status: "pending" as const }));
  const response: GatewayResponse = {
    status: 202,
    body: { callId, status: "pending_approval", approvals, statusUrl: statusUrlOf(callId), expiresAt: expiresAt.toISOString() },
  };
  const outcome = await db.transaction(async (tx) => {
    // Serialises this agent's pending-approval count (the flood limit) across instances.
    await tx.select({ id: agents.id }).from(agents).where(eq(agents.id, resolved.agentId)).for("update");
    if ((await countPendingCalls(tx, resolved.agentId)) >= resolved.maxPendingApprovals) return "too_many" as const;
    const fields = {
      status: "pending_approval" as const,
      requesterEmail,
      requesterPersonId: requester?.requesterId ?? null,
      requesterSource: requesterEmail ? (verified ? ("verified_by_ticket" as const) : ("named_by_agent" as const)) : null,
      expiresAt,
      responseStatus: 202,
      responseBody: response.body,
    };
    const auditEntry = {
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
      await tx
        .update(toolCalls)
        .set({ ...fields, decisionReason: decision.reason, responseBody: response.body })
        .where(eq(toolCalls.id, claimedId));
      await tx.execute(sql`insert into audit_events (id, workspace_id, actor_type, actor_id, action, client_id, subject_type, subject_id, call_id, data)
        values (${newId("audit")}, ${resolved.workspaceId}, 'agent', ${resolved.agentId}, ${auditEntry.action}, ${base.clientId}, 'call', ${claimedId}, ${claimedId}, ${JSON.stringify(auditEntry.data)}::jsonb)`);
    } else {
      await insertCallWithAudit(tx, { ...base, ...fields, id: callId, decisionReason: decision.reason }, auditEntry);
    }
    await createApprovalRequests(tx, {
      workspaceId: resolved.workspaceId,
      callId,
      kinds: decision.approvals,
      argumentsDigest: base.argumentsDigest,
      expiresAt,
      managerPersonId: requester?.managerId ?? null,
    });
    return "created" as const;
  });
  if (outcome === "too_many") {
    const message = `This agent already has ${resolved.maxPendingApprovals} calls waiting for approval; wait for decisions before asking for more.`;
    const tooMany = errorBody("too_many_pending_approvals", message);
    const fields = {
      status: "rejected" as const,
      errorCode: "too_many_pending_approvals",
      errorMessage: message,
      responseStatus: tooMany.status,
      responseBody: tooMany.body,
    };
    const auditEntry = {
      action: "call.rejected",
      data: {
        keyPrefix: resolved.keyPrefix,
        tool: `${envelope.integration}/${envelope.tool}`,
        decision: decision.kind,
        outcome: "too_many_pending_approvals",
      },
    };
    if (claimedId) await finishCallWithAudit(db, claimedId, resolved.workspaceId, fields, { ...auditEntry, actorId: resolved.agentId });
    else await insertCallWithAudit(db, { ...base, ...fields, decisionReason: decision.reason }, auditEntry);
    return tooMany;
  }
  return response;
}
