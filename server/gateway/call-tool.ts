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
import { insertCallWithAudit, recordCallCompleted, recordCallStarted, startedRow, type CallRecord } from "./record-call";
import { decisionInputOf, readCall, type CallLookup, type ResolvedCall } from "./resolve-call";
import { predictedRead, rememberRead } from "./call-prediction";
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
  read?: PreparedRead;
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

/** What the gateway makes of a decided call, before anything is written: pure, from the one read and the request. */
type CallPlan = {
  decision: Decision;
  call: ReturnType<typeof callOf>;
  base: CallRecord;
  secretArguments: Record<string, unknown>;
  /** The requester named two different ways: the call is refused with this. */
  requesterConflict: ServiceError | null;
};

function planCall(resolved: ResolvedCall, envelope: CallEnvelope, headers: CallHeaders | undefined, decision: Decision): CallPlan {
  const call = callOf(envelope, headers, decision.kind === "await_approval" && decision.approvals.includes("manager"));
  const { base, secretArguments } = baseRecord(resolved, call, decision);
  let requesterConflict: ServiceError | null = null;
  try {
    const named = namedRequester({
      body: envelope.requester?.email ?? null,
      header: headers?.requester ?? null,
      argument: call.modelRequester,
    });
    base.requesterEmail = named?.email ?? null;
    base.requesterSource = named?.source ?? null;
  } catch (error) {
    if (!isServiceError(error)) throw error;
    requesterConflict = error;
  }
  return { decision, call, base, secretArguments, requesterConflict };
}

/** Why the arguments cannot run (the tool's schema is unsupported, or they do not match it), else null. */
function argumentsRefusalOf(resolved: ResolvedCall, toolName: string, args: Record<string, unknown>) {
  const tool = resolved.tool;
  if (!tool) return null;
  const unsupported = schemaUnsupportedMessage(tool.definitionHash, tool.inputSchema, toolName);
  if (unsupported) return rejected("schema_unsupported", unsupported);
  const errors = validateArguments(tool.definitionHash, tool.inputSchema, args);
  if (!errors.length) return null;
  const message = `The arguments do not match ${toolName}'s input schema: ${errors.map((error) => `${error.path} ${error.message}`).join("; ")}.`;
  return rejected("invalid_arguments", message, { details: { errors } });
}

/** An `auto` call recorded `executing` by the one read itself (the prediction held): it goes straight upstream. */
type StartedCall = { callId: string; plan: CallPlan };

/** The one read of a call; `started` when that same statement recorded it. */
export type PreparedRead = { resolved: ResolvedCall | null; started: StartedCall | null };

/**
 * The one read, and — when this process has read the same key and tool before and the call would
 * run at once on that state — the call's `executing` row in the same statement, kept only if the
 * fresh state is the predicted one (call-prediction.ts). A call with an Idempotency-Key, standing
 * grants or rate limits is not predicted: its decision needs the claim, the ticket or the counter.
 * `envelopeFor` gives the call as the resolved read names it (MCP maps the name to the tool's).
 */
export async function prepareRead(
  handle: DatabaseHandle,
  request: {
    presentedKey: string;
    lookup: CallLookup;
    envelopeFor: (resolved: ResolvedCall) => CallEnvelope;
    headers: CallHeaders | undefined;
    predict: boolean;
  },
): Promise<PreparedRead> {
  const keyHash = agentKeyHash(request.presentedKey);
  const prediction = request.predict ? predictedRead(handle, keyHash, request.lookup) : null;
  const start = prediction && startOn(prediction.resolved, request.envelopeFor, request.headers);
  const read = await readCall(handle, keyHash, request.lookup, start ? { row: start.row, fingerprint: prediction.fingerprint } : undefined);
  rememberRead(
    handle,
    keyHash,
    request.lookup,
    read.resolved && read.fingerprint ? { fingerprint: read.fingerprint, resolved: read.resolved } : null,
  );
  return { resolved: read.resolved, started: start && read.recorded ? { callId: start.callId, plan: start.plan } : null };
}

/** The started row of a call that would run at once on this (predicted) state, else null. */
function startOn(resolved: ResolvedCall, envelopeFor: (resolved: ResolvedCall) => CallEnvelope, headers: CallHeaders | undefined) {
  if (resolved.keyRevoked || resolved.keyRetired || resolved.grants.length) return null;
  if (resolved.limits?.agentPerMinute || resolved.limits?.toolPerHour) return null;
  let envelope: CallEnvelope;
  try {
    envelope = envelopeFor(resolved);
  } catch {
    return null;
  }
  const decision = decide(decisionInputOf(resolved, envelope.arguments, headers?.mode ?? null));
  if (decision.kind !== "execute" || decision.grant) return null;
  const plan = planCall(resolved, envelope, headers, decision);
  if (plan.requesterConflict || argumentsRefusalOf(resolved, envelope.tool, plan.call.arguments)) return null;
  const callId = newId("call");
  return { callId, plan, row: startedRow({ ...plan.base, id: callId, decisionReason: decision.reason }) };
}

/**
 * Marks a call the one read recorded as refused when its request never reached the call (the MCP
 * SDK refused the message first): nothing went upstream.
 */
export async function abandonStartedCall(handle: DatabaseHandle, resolved: ResolvedCall, started: StartedCall): Promise<void> {
  await recordCallCompleted(
    handle,
    { id: started.callId, workspaceId: resolved.workspaceId, agentId: resolved.agentId },
    {
      status: "rejected",
      errorCode: "invalid_input",
      errorMessage: "The MCP request was refused before the call ran: nothing was sent upstream.",
      latencyMs: 0,
    },
    {
      action: "call.rejected",
      data: { keyPrefix: resolved.keyPrefix, argumentsDigest: started.plan.base.argumentsDigest, outcome: "invalid_input" },
    },
  );
}

/**
 * The agent's tool call (POST /api/gateway, and `tools/call` on /api/mcp): one read resolves the
 * key, the agent, the workspace's switches, the integration and the tool; the one decision says
 * whether it runs, waits for approval or is refused — before any upstream request. An `auto` call
 * is recorded `executing` before its upstream request (by the read itself when the prediction
 * held, else group-committed) and completed after. Returns a domain outcome; the transports map it.
 */
export function handleToolCall(handle: DatabaseHandle, input: ToolCallInput): Promise<GatewayOutcome> {
  // Traces and metrics of the call (off unless configured: see server/telemetry).
  return observeToolCall(() => handleObservedToolCall(handle, input));
}

async function handleObservedToolCall(handle: DatabaseHandle, input: ToolCallInput): Promise<GatewayOutcome> {
  const started = performance.now();
  const db = handle.db;
  const envelope = parseEnvelope(input.body);
  const read =
    input.read ??
    (await traced("gateway.key", () =>
      prepareRead(handle, {
        presentedKey: input.presentedKey,
        lookup: { kind: "rest", integration: envelope.integration, tool: envelope.tool },
        envelopeFor: () => envelope,
        headers: input.headers,
        predict: !input.idempotencyKey,
      }),
    ));
  const { resolved } = read;
  if (!resolved) return rejected("unauthorized", "The API key is not valid: it is unknown or has been revoked.");
  // A key that no longer counts is refused like an unknown one, before anything is decided or
  // written: a leaked, revoked key cannot fill the audit log. (The decision re-checks the key of
  // calls already made.)
  if (resolved.keyRevoked || resolved.keyRetired) {
    const refusal = PUBLIC_REJECTIONS[resolved.keyRevoked ? "key_revoked" : "key_retired"];
    return rejected(refusal.code, refusal.message);
  }
  touchKeyUsage(db, resolved.keyId, resolved.keyLastUsedAt);
  if (read.started) {
    const { plan, callId } = read.started;
    const { call, base, secretArguments } = plan;
    // Made on the prediction before the read, and kept because the read found that state: its span
    // follows the read's, so a trace of a recorded call still shows the decision.
    const decision = await tracedDecision(() => plan.decision);
    return runNow({ handle, db, resolved, envelope: call, base, secretArguments, decision, claimedId: callId, started });
  }

  const grantFacts = resolved.grants.length ? await grantFactsOf(handle.db, resolved, envelope, input.headers) : undefined;
  const decision = await tracedDecision(() =>
    decide(decisionInputOf(resolved, envelope.arguments, input.headers?.mode ?? null, grantFacts)),
  );
  const plan = planCall(resolved, envelope, input.headers, decision);
  const { call, base, secretArguments } = plan;
  let claimedId: string | null = null;
  if (input.idempotencyKey) {
    const claim = await claimIdempotencyKey(db, base, input.idempotencyKey, argumentsDigest(input.body));
    if (claim.kind === "replay") return claim.outcome;
    claimedId = claim.callId;
  }
  const ctx: CallContext = { handle, db, resolved, envelope: call, base, secretArguments, decision, claimedId, started };
  const { requesterConflict } = plan;
  if (requesterConflict) return traced("gateway.record", () => refuse(ctx, rejected(requesterConflict.code, requesterConflict.message)));
  if (decision.kind === "reject") {
    const refusal = PUBLIC_REJECTIONS[decision.code];
    const retry = decision.retryAfterSeconds ? { retryAfterSeconds: decision.retryAfterSeconds } : {};
    return traced("gateway.record", () => refuse(ctx, rejected(refusal.code, refusal.message, retry)));
  }
  const argumentsRefusal = argumentsRefusalOf(resolved, envelope.tool, call.arguments);
  if (argumentsRefusal) return traced("gateway.record", () => refuse(ctx, argumentsRefusal));
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
