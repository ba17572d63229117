import { and, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { approvalRequests, integrations, toolCalls, tools } from "@/db/schema";
import type { AuditAction } from "../audit/actions";
import { recordAudit } from "../audit/record";
import type { UserContext } from "../context";
import { ServiceError } from "../errors";
import { publishEvent } from "../events/bus";
import { executeUpstream, storableResult, upstreamTimeoutMs } from "../gateway/execute";
import { argumentsDigest } from "../crypto/canonical-json";
import { enqueueJobs } from "../jobs/enqueue";
import { faultPoint } from "../fault-points";
import { cancelCalls } from "../gateway/cancel-calls";
import { mergeSecretArguments, openCallSecrets, redactedResult, sealCallSecrets, type CallSecrets } from "../gateway/call-secrets";
import { purgeCallDataNowAndThen } from "../gateway/retention";
import { storableText } from "../gateway/storable";
import { decideCallAlreadyMade } from "../policy/open-call-decisions";

export type ExecutionOutcome = "not_claimed" | "cancelled" | "succeeded" | "failed";

/** How an approved call's failed upstream request is recorded, by whether the upstream can have acted. */
const FAILURE_OF_DELIVERY = {
  not_sent: {
    code: "upstream_unreachable",
    hint: " The request never reached the upstream; an admin can run it again while the approval is valid.",
  },
  unknown: {
    code: "outcome_unknown",
    hint: " Outcome unknown: the upstream may have acted. Check it; an admin can then run the call again while the approval is valid.",
  },
  answered: { code: "upstream_failed", hint: "" },
} as const;

/**
 * Whether an admin may run a failed call again (pure: runCallAgain and the call page ask it):
 * `unreached` when the upstream certainly did not act, `unknown_outcome` when it may have (the
 * admin must confirm they checked), `expired` once the approval's expiry has passed.
 */
export function runAgainOption(
  call: Pick<typeof toolCalls.$inferSelect, "status" | "errorCode" | "expiresAt">,
  now: Date,
): "unreached" | "unknown_outcome" | "expired" | null {
  if (call.status !== "failed") return null;
  const option = call.errorCode === "upstream_unreachable" ? "unreached" : call.errorCode === "outcome_unknown" ? "unknown_outcome" : null;
  if (!option) return null;
  return call.expiresAt && call.expiresAt.getTime() <= now.getTime() ? "expired" : option;
}

async function finish(
  db: Database,
  call: typeof toolCalls.$inferSelect,
  fields: Partial<typeof toolCalls.$inferInsert> & { status: "succeeded" | "failed" | "cancelled" },
  action: AuditAction,
  data: Record<string, unknown>,
) {
  await db.transaction(async (tx) => {
    await tx
      .update(toolCalls)
      .set({ ...fields, finishedAt: sql`clock_timestamp()` })
      .where(and(eq(toolCalls.id, call.id), eq(toolCalls.status, "executing")));
    await recordAudit(tx, {
      workspaceId: call.workspaceId,
      actorType: "system",
      action,
      clientId: call.clientId,
      subjectType: "call",
      subjectId: call.id,
      callId: call.id,
      data,
    });
    await enqueueJobs(tx, [{ kind: "agent_call_webhook", workspaceId: call.workspaceId, payload: { callId: call.id } }]);
    await publishEvent(tx, { type: "call", workspaceId: call.workspaceId, callId: call.id, status: fields.status });
  });
}

/**
 * Runs an approved call exactly once. The call is claimed by a conditional update
 * (approved → executing), so concurrent workers, retries and instances cannot run it twice. The
 * one decision is made again right before the upstream request, with fresh state: anything that
 * stops it now (a pause, a revoked key, a narrowed scope, a disabled, removed or changed tool)
 * cancels the call. The arguments run are the stored ones, checked against the digest the
 * approvers saw. No transaction is open during the upstream request.
 */
export async function executeApprovedCall(db: Database, callId: string): Promise<ExecutionOutcome> {
  faultPoint("before_execution");
  const [call] = await db
    .update(toolCalls)
    .set({ status: "executing", executionClaimedAt: sql`now()` })
    .where(and(eq(toolCalls.id, callId), eq(toolCalls.status, "approved")))
    .returning();
  if (!call) return "not_claimed";

  // The one decision, with fresh state, right before the upstream request; then what runs must be
  // exactly what the approvers saw.
  const verdict = await decideCallAlreadyMade(db, call.workspaceId, call.id);
  const requests = await db
    .select({ digest: approvalRequests.argumentsDigest })
    .from(approvalRequests)
    .where(eq(approvalRequests.callId, call.id));
  // Write-only arguments were kept sealed: what runs is the stored arguments with them put back.
  let secrets: CallSecrets = {};
  try {
    secrets = call.secretCiphertext ? openCallSecrets(call.id, call.secretCiphertext) : {};
  } catch {
    secrets = { arguments: { unreadable: true } };
  }
  const args = mergeSecretArguments(call.arguments, secrets.arguments ?? {});
  const digestOk = argumentsDigest(args) === call.argumentsDigest && requests.every((request) => request.digest === call.argumentsDigest);
  let stop: { code: string; reason: string } | null = null;
  if (!verdict) stop = { code: "unknown_tool", reason: "the call cannot be evaluated" };
  else if (verdict.decision.kind === "reject") stop = { code: verdict.decision.code, reason: verdict.decision.reason };
  else if (!digestOk) stop = { code: "arguments_mismatch", reason: "the stored arguments do not match what the approvers saw" };
  const [current] =
    stop || !call.toolId
      ? []
      : await db
          .select({ tool: tools, integration: integrations })
          .from(tools)
          .innerJoin(integrations, eq(integrations.id, tools.integrationId))
          .where(eq(tools.id, call.toolId));
  if (!current) {
    stop ??= { code: "unknown_tool", reason: "the tool no longer exists" };
    const cancellation = { callId: call.id, code: stop.code, message: `Cancelled before it ran: ${stop.reason}.` };
    await db.transaction((tx) =>
      cancelCalls(tx, [cancellation], { from: ["executing"], actor: { type: "system", id: null }, cause: "pre_execution_check" }),
    );
    return "cancelled";
  }

  // From here on the upstream may have been reached: a crash after this line is "outcome unknown".
  await db
    .update(toolCalls)
    .set({ startedAt: sql`now()` })
    .where(and(eq(toolCalls.id, call.id), eq(toolCalls.status, "executing")));
  const started = performance.now();
  const outcome = await executeUpstream(current.integration, current.tool.name, args);
  faultPoint("after_upstream_call");
  const latencyMs = Math.round(performance.now() - started);
  if (outcome.ok) {
    // A sensitive result waits sealed for the agent's one read; its write-only arguments are gone.
    const sensitive = current.tool.sensitiveResult ? redactedResult(outcome.result) : null;
    const stored = sensitive ? { value: sensitive.value, replaced: true } : storableResult(outcome.result);
    await finish(
      db,
      call,
      {
        status: "succeeded",
        result: stored.value,
        resultDigest: sensitive?.digest ?? null,
        secretCiphertext: sensitive ? sealCallSecrets(call.id, { result: outcome.result }) : null,
        latencyMs,
      },
      "call.succeeded",
      { latencyMs, afterApproval: true, ...(stored.replaced ? { resultStoredAltered: true } : {}) },
    );
    return "succeeded";
  }
  // What an admin may do next depends on whether the upstream can have acted (see runCallAgain).
  const failure = FAILURE_OF_DELIVERY[outcome.delivery ?? "answered"];
  const message = storableText(`${outcome.message}${failure.hint}`);
  await finish(db, call, { status: "failed", errorCode: failure.code, errorMessage: message, latencyMs }, "call.failed", {
    latencyMs,
    afterApproval: true,
    error: message,
  });
  return "failed";
}

/** A pending call past its expiry expires, with its open requests (conditional: a decision wins a tie). */
export async function expireCall(db: Database, callId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [call] = await tx
      .update(toolCalls)
      .set({ status: "expired", finishedAt: sql`now()`, errorCode: "expired", errorMessage: "Nobody decided before the request expired." })
      .where(
        and(eq(toolCalls.id, callId), eq(toolCalls.status, "pending_approval"), lt(toolCalls.expiresAt, sql`now() + interval '1 second'`)),
      )
      .returning();
    if (!call) return false;
    await tx
      .update(approvalRequests)
      .set({ status: "expired", decidedAt: sql`now()` })
      .where(and(eq(approvalRequests.callId, call.id), eq(approvalRequests.status, "pending")));
    await recordAudit(tx, {
      workspaceId: call.workspaceId,
      actorType: "system",
      action: "call.expired",
      clientId: call.clientId,
      subjectType: "call",
      subjectId: call.id,
      callId: call.id,
    });
    await enqueueJobs(tx, [{ kind: "agent_call_webhook", workspaceId: call.workspaceId, payload: { callId: call.id } }]);
    await publishEvent(tx, { type: "call", workspaceId: call.workspaceId, callId: call.id, status: "expired" });
    return true;
  });
}

/**
 * An approved call's execution job claims it within milliseconds; one still `approved` this long
 * after its decision lost its job with a crashed worker. (Running it from the sweep too would be
 * harmless — the claim is conditional — but would duplicate work under load.)
 */
const LOST_JOB_AFTER_SECONDS = 2;

/**
 * The periodic sweep (every instance runs it; every step is a conditional update):
 * approved calls whose execution job was lost are executed; calls claimed but never started
 * (a crash before the upstream request) are released to run; calls started but never finished
 * (a crash during the upstream request) are failed as "outcome unknown" and never re-run
 * automatically; pending calls past their expiry expire.
 */
export async function sweepCalls(db: Database): Promise<{ executed: number; released: number; unknown: number; expired: number }> {
  // Past the upstream timeout (plus a margin), a call still "executing" cannot be running any more.
  const timeoutSeconds = Math.ceil(upstreamTimeoutMs() / 1000) + 15;
  const released = await db
    .update(toolCalls)
    .set({ status: "approved", executionClaimedAt: null })
    .where(
      and(
        eq(toolCalls.status, "executing"),
        isNull(toolCalls.startedAt),
        lt(toolCalls.executionClaimedAt, sql`now() - interval '30 seconds'`),
      ),
    )
    .returning({ id: toolCalls.id });
  const unknown = await db.transaction(async (tx) => {
    const rows = await tx
      .update(toolCalls)
      .set({
        status: "failed",
        finishedAt: sql`now()`,
        errorCode: "outcome_unknown",
        errorMessage:
          "Outcome unknown: Toolgate stopped while the upstream request was under way. It was not run again; check the upstream, then use Run again if needed.",
      })
      .where(and(eq(toolCalls.status, "executing"), lt(toolCalls.startedAt, sql`now() - make_interval(secs => ${timeoutSeconds})`)))
      .returning();
    for (const call of rows) {
      await recordAudit(tx, {
        workspaceId: call.workspaceId,
        actorType: "system",
        action: "call.outcome_unknown",
        clientId: call.clientId,
        subjectType: "call",
        subjectId: call.id,
        callId: call.id,
      });
      await publishEvent(tx, { type: "call", workspaceId: call.workspaceId, callId: call.id, status: "failed" });
    }
    return rows;
  });
  const stale = await db
    .select({ id: toolCalls.id })
    .from(toolCalls)
    .where(
      and(
        eq(toolCalls.status, "approved"),
        lt(toolCalls.decidedAt, sql`now() - make_interval(secs => ${LOST_JOB_AFTER_SECONDS})`),
        // A call whose execution job is still queued (fair claiming may hold it back) is not lost;
        // one whose job is "running" while the call is still approved lost it with a crashed worker.
        sql`not exists (select 1 from jobs where jobs.kind = 'execute_call' and jobs.status = 'pending'
          and jobs.payload->>'callId' = ${toolCalls.id})`,
      ),
    )
    .limit(50);
  let executed = 0;
  for (const call of stale) if ((await executeApprovedCall(db, call.id)) !== "not_claimed") executed++;
  const overdue = await db
    .select({ id: toolCalls.id })
    .from(toolCalls)
    .where(and(eq(toolCalls.status, "pending_approval"), lt(toolCalls.expiresAt, sql`now()`)))
    .limit(200);
  let expired = 0;
  for (const call of overdue) if (await expireCall(db, call.id)) expired++;
  await purgeCallDataNowAndThen(db);
  return { executed, released: released.length, unknown: unknown.length, expired };
}

/**
 * An admin runs a failed approved call again — the approvals already given still hold — only when
 * the upstream certainly did not act (`upstream_unreachable`) or, once the admin confirms they
 * checked, when its outcome is unknown; only while the approval is valid (before the call's
 * expiry); and only when the one decision still lets it run. Otherwise the agent must ask again.
 * The call goes back to `approved` (conditional update, audited), so the agent follows it through
 * its usual status and the execution makes the decision once more, right before the request.
 */
export async function runCallAgain(ctx: UserContext, input: { callId: string; confirmUnknownOutcome?: boolean }): Promise<void> {
  const workspaceId = ctx.user.workspaceId;
  const [call] = await ctx.db
    .select()
    .from(toolCalls)
    .where(and(eq(toolCalls.id, input.callId), eq(toolCalls.workspaceId, workspaceId)));
  if (!call) throw new ServiceError("not_found", "No such call.");
  const code = call.errorCode ?? "";
  const option = runAgainOption(call, new Date());
  if (!option)
    throw new ServiceError(
      "conflict",
      "Only a failed call that never reached its upstream, or whose outcome is unknown, can be run again; for this one the agent must ask again.",
    );
  if (option === "expired")
    throw new ServiceError("conflict", "The approval has expired: the agent must ask again, and people approve anew.");
  if (option === "unknown_outcome" && !input.confirmUnknownOutcome)
    throw new ServiceError(
      "invalid_input",
      "The upstream may have acted on this call: confirm that you checked it did not, before running it again.",
    );
  const verdict = await decideCallAlreadyMade(ctx.db, workspaceId, call.id);
  if (!verdict || verdict.decision.kind === "reject")
    throw new ServiceError(
      "conflict",
      `It may no longer run: ${verdict?.decision.kind === "reject" ? verdict.decision.reason : "the call cannot be evaluated"}. The agent must ask again.`,
    );
  await ctx.db.transaction(async (tx) => {
    const [again] = await tx
      .update(toolCalls)
      .set({
        status: "approved",
        errorCode: null,
        errorMessage: null,
        startedAt: null,
        executionClaimedAt: null,
        finishedAt: null,
        decidedAt: sql`now()`,
      })
      .where(
        and(
          eq(toolCalls.id, call.id),
          eq(toolCalls.workspaceId, workspaceId),
          eq(toolCalls.status, "failed"),
          eq(toolCalls.errorCode, code),
          or(isNull(toolCalls.expiresAt), gt(toolCalls.expiresAt, sql`now()`)),
        ),
      )
      .returning();
    if (!again) throw new ServiceError("conflict", "Someone else ran it again, or the approval expired, a moment ago.");
    await recordAudit(tx, {
      workspaceId,
      actorType: "user",
      actorId: ctx.user.id,
      action: "call.run_again",
      clientId: again.clientId,
      subjectType: "call",
      subjectId: again.id,
      callId: again.id,
      data: { previousError: code, ...(code === "outcome_unknown" ? { confirmedUnknownOutcome: true } : {}) },
    });
    await enqueueJobs(tx, [{ kind: "execute_call", workspaceId, payload: { callId: again.id } }]);
    await publishEvent(tx, { type: "call", workspaceId, callId: again.id, status: "approved" });
  });
}
