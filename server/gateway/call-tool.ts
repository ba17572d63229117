import { eq, sql } from "drizzle-orm";
import type { DatabaseHandle } from "@/db";
import { newId } from "@/db/ids";
import { toolCalls } from "@/db/schema";
import { requesterFromTicket } from "../approvals/verify-ticket";
import { recordGrantUse } from "../grants/use-grant";
import type { GrantedCallFacts } from "../policy/grant-match";
import { argumentsDigest } from "../crypto/canonical-json";
import { enqueueJob } from "../jobs/enqueue";
import { decide, type Decision } from "../policy/decide";
import { agentKeyHash } from "../agents/keys";
import { requestApproval } from "./request-approval";
import { parseEnvelope, type CallEnvelope } from "./envelope";
import { executeUpstream, storableResult } from "./execute";
import { claimIdempotencyKey } from "./idempotency";
import { touchKeyUsage } from "./key-usage";
import { PUBLIC_REJECTIONS, rejected, type GatewayOutcome } from "./outcome";
import { isServiceError, type ServiceError } from "../errors";
import { auditData, refuse, type CallContext } from "./call-context";
import { redactedResult, secretArgumentPaths, splitSecretArguments } from "./call-secrets";
import { namedRequester, REQUESTER_ARGUMENT, type CallHeaders } from "./call-hints";
import { insertCallWithAudit, recordCallCompleted, recordCallStarted, type CallRecord } from "./record-call";
import { decisionInputOf, resolveCall, type ResolvedCall } from "./resolve-call";
import { storableText } from "./storable";
import { schemaUnsupportedMessage, validateArguments } from "./validate-arguments";
import { observeToolCall, tracedDecision } from "../telemetry/gateway-observation";
import { traced } from "../telemetry/tracing";

const tracedRecordCompleted = (...args: Parameters<typeof recordCallCompleted>) =>
  traced("gateway.record", () => recordCallCompleted(...args));

export type ToolCallInput = {
  presentedKey: string;
  body: unknown;
  idempotencyKey: string | null;
  /** What the agent's HTTP headers say (requester, ticket, reason), when the transport has headers. */
  headers?: CallHeaders;
  /** The one read, when the transport already made it for this key, integration and tool (MCP). */
  resolved?: ResolvedCall;
};

/**
 * The call as it will be recorded: the body's ticket and reason, else the headers'; arguments
 * without the reserved requester argument when the tool asks for the requester's manager (the
 * model's answer is kept aside as the weakest source of the requester).
 */
function callOf(envelope: CallEnvelope, headers: CallHeaders | undefined, needsManager: boolean) {
  const { [REQUESTER_ARGUMENT]: modelRequester, ...rest } = envelope.arguments;
  return {
    ...envelope,
    arguments: needsManager ? rest : envelope.arguments,
    ticket: envelope.ticket ?? headers?.ticket ?? undefined,
    reason: envelope.reason ?? headers?.reason ?? undefined,
    modelRequester: needsManager && typeof modelRequester === "string" ? modelRequester : null,
  };
}

/**
 * The call row as first written. Arguments the tool's schema marks secret (`writeOnly`, password)
 * are stored as a marker (and kept sealed for the approval path until the call runs); the digest
 * is of the arguments that run.
 */
function baseRecord(
  resolved: ResolvedCall,
  envelope: CallEnvelope,
  decision: Decision,
): { base: CallRecord; secretArguments: Record<string, unknown> } {
  const paths = resolved.tool ? secretArgumentPaths(resolved.tool.definitionHash, resolved.tool.inputSchema) : [];
  const { stored, secrets } = splitSecretArguments(envelope.arguments, paths);
  const base: CallRecord = {
    workspaceId: resolved.workspaceId,
    agentId: resolved.agentId,
    agentKeyId: resolved.keyId,
    agentKeyPrefix: resolved.keyPrefix,
    integrationId: resolved.integration?.id ?? null,
    toolId: resolved.tool?.id ?? null,
    toolDefinitionHash: resolved.tool?.definitionHash ?? null,
    clientId: resolved.integration?.clientId ?? null,
    integrationSlug: envelope.integration,
    toolName: envelope.tool,
    arguments: stored,
    argumentsDigest: argumentsDigest(envelope.arguments),
    requesterEmail: envelope.requester?.email.toLowerCase() ?? null,
    ticketSystem: envelope.ticket?.system ?? null,
    ticketId: envelope.ticket?.id ?? null,
    reason: envelope.reason ?? null,
    status: "rejected",
    decisionReason: "",
    decisionRule: decision.rule ?? null,
  };
  return { base, secretArguments: secrets };
}

/**
 * The agent's tool call (POST /api/gateway, and `tools/call` on /api/mcp): one read resolves the
 * key, the agent, the workspace's switches, the integration and the tool; the one decision says
 * whether it runs, waits for approval or is refused — before any upstream request. An `auto` call
 * is recorded `executing` before its upstream request and completed after (both writes
 * group-committed). Returns a domain outcome; the transports map it.
 */
export function handleToolCall(handle: DatabaseHandle, input: ToolCallInput): Promise<GatewayOutcome> {
  // Traces and metrics of the call (off unless configured: see server/telemetry).
  return observeToolCall(() => handleObservedToolCall(handle, input));
}

async function handleObservedToolCall(handle: DatabaseHandle, input: ToolCallInput): Promise<GatewayOutcome> {
  const started = performance.now();
  const db = handle.db;
  const envelope = parseEnvelope(input.body);
  const resolved =
    input.resolved ??
    (await traced("gateway.key", () => resolveCall(handle, agentKeyHash(input.presentedKey), envelope.integration, envelope.tool)));
  if (!resolved) return rejected("unauthorized", "The API key is not valid: it is unknown or has been revoked.");
  // A key that no longer counts is refused like an unknown one, before anything is decided or
  // written: a leaked, revoked key cannot fill the audit log. (The decision re-checks the key of
  // calls already made.)
  if (resolved.keyRevoked || resolved.keyRetired) {
    const refusal = PUBLIC_REJECTIONS[resolved.keyRevoked ? "key_revoked" : "key_retired"];
    return rejected(refusal.code, refusal.message);
  }
  const grantFacts = resolved.grants.length ? await grantFactsOf(handle.db, resolved, envelope, input.headers) : undefined;
  const decision = await tracedDecision(() =>
    decide(decisionInputOf(resolved, envelope.arguments, input.headers?.mode ?? null, grantFacts)),
  );
  touchKeyUsage(db, resolved.keyId, resolved.keyLastUsedAt);

  const call = callOf(envelope, input.headers, decision.kind === "await_approval" && decision.approvals.includes("manager"));
  const { base, secretArguments } = baseRecord(resolved, call, decision);
  let requesterConflict: ServiceError | null = null;
  try {
    const named = namedRequester({
      body: envelope.requester?.email ?? null,
      header: input.headers?.requester ?? null,
      argument: call.modelRequester,
    });
    base.requesterEmail = named?.email ?? null;
    base.requesterSource = named?.source ?? null;
  } catch (error) {
    if (!isServiceError(error)) throw error;
    requesterConflict = error;
  }
  let claimedId: string | null = null;
  if (input.idempotencyKey) {
    const claim = await claimIdempotencyKey(db, base, input.idempotencyKey, argumentsDigest(input.body));
    if (claim.kind === "replay") return claim.outcome;
    claimedId = claim.callId;
  }
  const ctx: CallContext = { handle, db, resolved, envelope: call, base, secretArguments, decision, claimedId, started };
  if (requesterConflict) return traced("gateway.record", () => refuse(ctx, rejected(requesterConflict.code, requesterConflict.message)));
  if (decision.kind === "reject") {
    const refusal = PUBLIC_REJECTIONS[decision.code];
    const retry = decision.retryAfterSeconds ? { retryAfterSeconds: decision.retryAfterSeconds } : {};
    return traced("gateway.record", () => refuse(ctx, rejected(refusal.code, refusal.message, retry)));
  }
  const tool = resolved.tool!;
  const unsupported = schemaUnsupportedMessage(tool.definitionHash, tool.inputSchema, envelope.tool);
  if (unsupported) return traced("gateway.record", () => refuse(ctx, rejected("schema_unsupported", unsupported)));
  const argumentErrors = validateArguments(tool.definitionHash, tool.inputSchema, call.arguments);
  if (argumentErrors.length) {
    const message = `The arguments do not match ${envelope.tool}'s input schema: ${argumentErrors.map((error) => `${error.path} ${error.message}`).join("; ")}.`;
    return traced("gateway.record", () => refuse(ctx, rejected("invalid_arguments", message, { details: { errors: argumentErrors } })));
  }
  if (decision.kind === "await_approval") return traced("gateway.record", () => requestApproval(ctx, decision));
  if (decision.grant) return runByGrant(ctx, decision.grant, input.headers?.mode ?? null);
  return runNow(ctx);
}

/**
 * What the grant rung matches a new call on: its arguments, and its requester as a connected
 * ticket confirms them — asked of the ticketing system only when a grant pins a requester and the
 * call names a ticket (before any transaction). A ticket that cannot confirm them leaves the call
 * without a verified requester; the approval path then refuses it in words.
 */
async function grantFactsOf(
  db: DatabaseHandle["db"],
  resolved: ResolvedCall,
  envelope: CallEnvelope,
  headers: CallHeaders | undefined,
): Promise<GrantedCallFacts> {
  const ticket = envelope.ticket ?? headers?.ticket ?? null;
  const named = (envelope.requester?.email ?? headers?.requester ?? "").trim().toLowerCase() || null;
  if (!ticket || !resolved.grants.some((grant) => grant.requesterEmail)) return { arguments: envelope.arguments, requester: null };
  try {
    const fromTicket = await requesterFromTicket(db, {
      workspaceId: resolved.workspaceId,
      clientId: resolved.integration?.clientId ?? null,
      ticket,
      namedEmail: named,
    });
    return {
      arguments: envelope.arguments,
      requester: fromTicket.email ? { email: fromTicket.email, verifiedByTicket: fromTicket.verified } : null,
    };
  } catch (error) {
    if (isServiceError(error)) return { arguments: envelope.arguments, requester: null };
    throw error;
  }
}

/**
 * A call a standing grant covers: recorded `executing` with the grant's use counted and audited in
 * one transaction (conditional — a grant revoked a moment ago is not used, and the call asks for
 * approval instead), then run like an `auto` call.
 */
async function runByGrant(ctx: CallContext, grant: { id: string; approvedBy: string }, mode: "plan" | null): Promise<GatewayOutcome> {
  const { resolved, base } = ctx;
  const callId = ctx.claimedId ?? newId("call");
  const used = await ctx.db.transaction(async (tx) => {
    const counted = await recordGrantUse(tx, {
      workspaceId: resolved.workspaceId,
      grantId: grant.id,
      callId,
      agentId: resolved.agentId,
      clientId: base.clientId,
      data: {
        tool: `${ctx.envelope.integration}/${ctx.envelope.tool}`,
        argumentsDigest: base.argumentsDigest,
        approvedBy: grant.approvedBy,
      },
    });
    if (!counted) return false;
    if (!ctx.claimedId) {
      await insertCallWithAudit(
        tx,
        { ...base, id: callId, status: "executing", decisionReason: ctx.decision.reason },
        { action: "call.granted", data: auditData(ctx, { grantId: grant.id, approvedBy: grant.approvedBy }) },
      );
      await tx
        .update(toolCalls)
        .set({ startedAt: sql`clock_timestamp()` })
        .where(eq(toolCalls.id, callId));
    }
    return true;
  });
  if (!used) {
    // Revoked or expired since the read: decide again without it (the same decision, no grant).
    const decision = decide(decisionInputOf(resolved, ctx.envelope.arguments, mode));
    const retried = { ...ctx, decision };
    if (decision.kind === "await_approval") return requestApproval(retried, decision);
    if (decision.kind === "reject")
      return refuse(retried, rejected(PUBLIC_REJECTIONS[decision.code].code, PUBLIC_REJECTIONS[decision.code].message));
    return runNow(retried);
  }
  return runNow({ ...ctx, claimedId: callId }, grant);
}

/** The `auto` path: record, call upstream, complete the record. No transaction spans the upstream call. */
async function runNow(ctx: CallContext, grant?: { id: string; approvedBy: string }): Promise<GatewayOutcome> {
  const { handle, resolved, envelope } = ctx;
  const callId = ctx.claimedId ?? newId("call");
  if (!ctx.claimedId)
    await traced("gateway.record", () => recordCallStarted(handle, { ...ctx.base, id: callId, decisionReason: ctx.decision.reason }));
  const outcome = await executeUpstream(resolved.integration!, resolved.tool!.name, envelope.arguments);
  const latencyMs = Math.round(performance.now() - ctx.started);
  const call = { id: callId, workspaceId: resolved.workspaceId, agentId: resolved.agentId };
  let answer: GatewayOutcome;
  if (outcome.ok) {
    // A sensitive result reaches the agent in this answer only; storage keeps its digest.
    const sensitive = resolved.tool!.sensitiveResult ? redactedResult(outcome.result) : null;
    const stored = sensitive ? { value: sensitive.value, replaced: true } : storableResult(outcome.result);
    await tracedRecordCompleted(
      handle,
      call,
      {
        status: "succeeded",
        result: stored.value,
        resultDigest: sensitive?.digest ?? null,
        decisionReason: ctx.decision.reason,
        latencyMs,
      },
      {
        action: "call.succeeded",
        data: auditData(ctx, { outcome: "succeeded", ...(stored.replaced ? { resultStoredAltered: true } : {}) }),
      },
    );
    answer = { kind: "succeeded", callId, result: outcome.result, ...(grant ? { grant } : {}) };
  } else {
    const message = storableText(outcome.message);
    await tracedRecordCompleted(
      handle,
      call,
      { status: "failed", errorCode: "upstream_failed", errorMessage: message, decisionReason: ctx.decision.reason, latencyMs },
      { action: "call.failed", data: auditData(ctx, { outcome: "failed" }) },
    );
    answer = { kind: "failed", callId, status: "failed", error: { code: "upstream_failed", message } };
  }
  if (resolved.agentHasWebhook)
    await enqueueJob(ctx.db, { kind: "agent_call_webhook", workspaceId: resolved.workspaceId, payload: { callId } });
  return answer;
}
