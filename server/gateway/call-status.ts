import { and, asc, eq, sql } from "drizzle-orm";
import { rowsOf } from "@/db/results";
import type { Database } from "@/db";
import { approvalRequests, toolCalls, type CallStatus, type ToolCallRow } from "@/db/schema";
import { ServiceError } from "../errors";
import { watchEvents } from "../events/bus";
import { openCallSecrets } from "./call-secrets";
import { statusUrlOf } from "./responses";

export const MAX_WAIT_SECONDS = 60;
const RECHECK_MS = 5_000;
const UNSETTLED: CallStatus[] = ["pending_approval", "approved", "executing"];

/**
 * Who reads a call: the agent that made it, or a user of its workspace (agentId null). Only the
 * agent's own status reads (`takeSensitiveResult`) may take a sensitive result — once.
 */
export type CallReader = { workspaceId: string; agentId: string | null; takeSensitiveResult?: boolean };

/** A call as the agent (or a user of its workspace) may read it. */
export async function loadCallView(db: Database, reader: CallReader, callId: string) {
  const [call] = await db
    .select()
    .from(toolCalls)
    .where(
      and(
        eq(toolCalls.id, callId),
        eq(toolCalls.workspaceId, reader.workspaceId),
        reader.agentId ? eq(toolCalls.agentId, reader.agentId) : undefined,
      ),
    );
  // Another agent's call looks exactly like one that does not exist.
  if (!call) throw new ServiceError("not_found", "No such call for this agent.");
  if (call.status === "succeeded" && call.secretCiphertext && reader.agentId && reader.takeSensitiveResult) {
    const result = await takeSensitiveResult(db, call.id);
    if (result !== undefined) call.result = result;
  }
  const approvals = await db
    .select({
      kind: approvalRequests.kind,
      status: approvalRequests.status,
      decidedAt: approvalRequests.decidedAt,
      comment: approvalRequests.comment,
      denialKind: approvalRequests.denialKind,
      escalationLevel: approvalRequests.escalationLevel,
    })
    .from(approvalRequests)
    .where(eq(approvalRequests.callId, call.id))
    .orderBy(asc(approvalRequests.kind));
  return toView(call, approvals);
}

/**
 * Hands a sensitive result to the agent once: the sealed copy is cleared by a conditional update, so
 * a second read (or another instance racing this one) gets only the redacted marker.
 */
async function takeSensitiveResult(db: Database, callId: string): Promise<unknown> {
  const [taken] = rowsOf<{ sealed: string }>(
    await db.execute(sql`
      update tool_calls t set secret_ciphertext = null
      from (select id, secret_ciphertext from tool_calls where id = ${callId} and secret_ciphertext is not null for update) old
      where t.id = old.id
      returning old.secret_ciphertext as sealed`),
  );
  return taken ? openCallSecrets(callId, taken.sealed).result : undefined;
}

function toView(
  call: ToolCallRow,
  approvals: Array<{
    kind: string;
    status: string;
    decidedAt: Date | null;
    comment: string | null;
    denialKind: string | null;
    escalationLevel: number;
  }>,
) {
  const denial = approvals.find((approval) => approval.status === "denied");
  return {
    callId: call.id,
    status: call.status,
    integration: call.integrationSlug,
    tool: call.toolName,
    approvals: approvals.map((approval) => ({
      kind: approval.kind,
      status: approval.status,
      decidedAt: approval.decidedAt?.toISOString() ?? null,
      escalated: approval.escalationLevel > 0,
    })),
    ...(call.status === "succeeded" ? { result: call.result } : {}),
    ...(call.errorCode ? { error: { code: call.errorCode, message: call.errorMessage } } : {}),
    ...(call.status === "denied"
      ? {
          denial: {
            kind: denial?.kind ?? null,
            comment: denial?.comment ?? null,
            reason: denial?.denialKind === "not_my_report" ? "not_my_report" : null,
          },
        }
      : {}),
    createdAt: call.createdAt.toISOString(),
    expiresAt: call.expiresAt?.toISOString() ?? null,
    finishedAt: call.finishedAt?.toISOString() ?? null,
    statusUrl: statusUrlOf(call.id),
  };
}

export type CallView = Awaited<ReturnType<typeof loadCallView>>;

/**
 * Long-poll: returns as soon as the call's status differs from what it was when asked (woken by
 * NOTIFY, re-checked every few seconds so a missed notification only delays), or after `waitSeconds`.
 * Subscribes before reading, so a change between the read and the wait is not missed.
 */
export async function waitForCallChange(
  db: Database,
  reader: CallReader,
  callId: string,
  waitSeconds: number,
  signal?: AbortSignal,
): Promise<CallView> {
  const wait = Math.min(Math.max(0, waitSeconds), MAX_WAIT_SECONDS);
  if (wait === 0) return loadCallView(db, reader, callId);
  const watch = await watchEvents((event) => event.type === "call" && event.callId === callId);
  try {
    const first = await loadCallView(db, reader, callId);
    if (!UNSETTLED.includes(first.status)) return first;
    const deadline = Date.now() + wait * 1000;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0 || signal?.aborted) return first;
      await watch.next(Math.min(remaining, RECHECK_MS), signal);
      const now = await loadCallView(db, reader, callId);
      if (now.status !== first.status) return now;
    }
  } finally {
    watch.close();
  }
}
