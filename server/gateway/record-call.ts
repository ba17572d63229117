import type { AuditAction } from "../audit/actions";
import { sql } from "drizzle-orm";
import type { DatabaseHandle, Executor } from "@/db";
import { newId } from "@/db/ids";
import type { CallStatus, RequesterSource, TicketSystem } from "@/db/schema";
import type { DecidingRule } from "../policy/rules";

/** A call row as the gateway writes it when the call arrives. */
export type CallRecord = {
  id?: string;
  workspaceId: string;
  agentId: string;
  agentKeyId: string;
  agentKeyPrefix: string;
  integrationId: string | null;
  toolId: string | null;
  toolDefinitionHash: string | null;
  clientId: string | null;
  integrationSlug: string;
  toolName: string;
  arguments: Record<string, unknown>;
  argumentsDigest: string;
  requesterEmail: string | null;
  requesterPersonId?: string | null;
  requesterSource?: RequesterSource | null;
  ticketSystem: TicketSystem | null;
  ticketId: string | null;
  reason: string | null;
  status: CallStatus;
  decisionReason: string;
  /** The tool's rule that decided (`decision.rule`), when one did. */
  decisionRule?: DecidingRule | null;
  errorCode?: string | null;
  errorMessage?: string | null;
  idempotencyKey?: string | null;
  requestHash?: string | null;
  expiresAt?: Date | null;
  /** Sealed write-only arguments, kept until the call runs (see call-secrets.ts). */
  secretCiphertext?: string | null;
};

export type AuditFields = { action: AuditAction; data: Record<string, unknown> };

// postgres.js cannot serialise a Date parameter of unknown type in raw SQL: send ISO text and cast.
const iso = (value: Date | null | undefined) => value?.toISOString() ?? null;

/** Every column a new call row is written with; `record-call.db.test.ts` checks it covers the table. */
export const CALL_INSERT_COLUMNS = [
  "id",
  "workspace_id",
  "agent_id",
  "agent_key_id",
  "agent_key_prefix",
  "integration_id",
  "tool_id",
  "tool_definition_hash",
  "client_id",
  "integration_slug",
  "tool_name",
  "arguments",
  "arguments_digest",
  "requester_email",
  "requester_person_id",
  "requester_source",
  "ticket_system",
  "ticket_id",
  "reason",
  "status",
  "decision_reason",
  "decision_rule",
  "error_code",
  "error_message",
  "idempotency_key",
  "request_hash",
  "expires_at",
  "secret_ciphertext",
  "started_at",
] as const;

/**
 * Inserts a call and its audit event in one statement, inside the caller's transaction (the
 * approval path, where the call's approval requests are written with it). Returns the call id.
 */
export async function insertCallWithAudit(db: Executor, call: CallRecord, audit: AuditFields): Promise<string> {
  const id = call.id ?? newId("call");
  await db.execute(sql`
    with c as (
      insert into tool_calls (id, workspace_id, agent_id, agent_key_id, agent_key_prefix, integration_id, tool_id, tool_definition_hash,
        client_id, integration_slug, tool_name, arguments, arguments_digest, requester_email, requester_person_id, requester_source,
        ticket_system, ticket_id, reason, status, decision_reason, decision_rule, error_code, error_message, idempotency_key, request_hash,
        expires_at, secret_ciphertext)
      values (${id}, ${call.workspaceId}, ${call.agentId}, ${call.agentKeyId}, ${call.agentKeyPrefix}, ${call.integrationId}, ${call.toolId},
        ${call.toolDefinitionHash}, ${call.clientId}, ${call.integrationSlug}, ${call.toolName}, ${JSON.stringify(call.arguments)}::jsonb,
        ${call.argumentsDigest}, ${call.requesterEmail}, ${call.requesterPersonId ?? null}, ${call.requesterSource ?? null},
        ${call.ticketSystem}, ${call.ticketId}, ${call.reason}, ${call.status}, ${call.decisionReason},
        ${call.decisionRule ? JSON.stringify(call.decisionRule) : null}::jsonb, ${call.errorCode ?? null},
        ${call.errorMessage ?? null}, ${call.idempotencyKey ?? null}, ${call.requestHash ?? null}, ${iso(call.expiresAt)}::timestamptz,
        ${call.secretCiphertext ?? null})
      returning id
    )
    insert into audit_events (id, workspace_id, actor_type, actor_id, action, client_id, subject_type, subject_id, call_id, data)
    select ${newId("audit")}, ${call.workspaceId}, 'agent', ${call.agentId}, ${audit.action}, ${call.clientId}, 'call', c.id, c.id, ${JSON.stringify(audit.data)}::jsonb
    from c`);
  return id;
}

/** The columns of a new call row as `insertRow` sends them, for `jsonb_to_recordset`. */
const CALL_ROW_TYPES = `id text, workspace_id text, agent_id text, agent_key_id text, agent_key_prefix text,
        integration_id text, tool_id text, tool_definition_hash text, client_id text, integration_slug text, tool_name text, arguments jsonb,
        arguments_digest text, requester_email text, requester_person_id text, requester_source text, ticket_system text, ticket_id text,
        reason text, status call_status, decision_reason text, decision_rule jsonb, error_code text, error_message text, idempotency_key text, request_hash text,
        expires_at timestamptz, secret_ciphertext text, started boolean, audit_id text, audit_action text, audit_data jsonb`;

/**
 * An insert of the call rows of `source` (a relation with CALL_ROW_TYPES' columns), returning their
 * ids: shared by the group-committed writes below and the gateway's read that records an `auto`
 * call in the same statement (resolve-call.ts).
 */
export const insertCallsFrom = (source: string, where = "true") => `
      insert into tool_calls (${CALL_INSERT_COLUMNS.join(", ")})
      select id, workspace_id, agent_id, agent_key_id, agent_key_prefix, integration_id, tool_id, tool_definition_hash, client_id,
        integration_slug, tool_name, coalesce(arguments, '{}'::jsonb), arguments_digest, requester_email, requester_person_id,
        requester_source, ticket_system, ticket_id, reason, status, decision_reason, decision_rule, error_code, error_message,
        idempotency_key, request_hash, expires_at, secret_ciphertext, case when started then clock_timestamp() end
      from ${source} where ${where}
      returning id`;

/** The call rows of a JSON array parameter (rows made by `insertRow`). */
export const callRowsOf = (parameter: string) => `jsonb_to_recordset(${parameter}::jsonb) as v(${CALL_ROW_TYPES})`;

/**
 * The hot path's writes, many per statement: new call rows (an `auto` call's `executing` row,
 * written before its upstream request, or a refusal with its audit event), and completions (an
 * `executing` row becomes succeeded or failed, with its audit event). A completion only applies to
 * a row still `executing`, and is timed by the database's clock like the row's `created_at`.
 * `asyncCommit` makes the statement's own commit skip the wait for the WAL flush (see commitModeOf).
 */
const writeCallsSql = ({ asyncCommit }: { asyncCommit: boolean }) => `
    with v as (
      select * from ${callRowsOf("$1")}
    ), inserted as (${insertCallsFrom("v")}
    ), f as (
      select f.* from jsonb_to_recordset($2::jsonb) as f(id text, workspace_id text, agent_id text, status call_status, result jsonb,
        result_digest text, error_code text, error_message text, decision_reason text, latency_ms int, audit_id text, audit_action text,
        audit_data jsonb)${
          // Read with the completions, so it runs when there are any: a transaction-local setting
          // that this statement's implicit transaction commits with.
          asyncCommit ? ", (select set_config('synchronous_commit', 'off', true)) as commit_mode" : ""
        }
    ), finished as (
      update tool_calls c set status = f.status, result = f.result, result_digest = f.result_digest, error_code = f.error_code,
        error_message = f.error_message,
        decision_reason = coalesce(f.decision_reason, c.decision_reason), latency_ms = f.latency_ms, finished_at = clock_timestamp()
      from f where c.id = f.id and c.workspace_id = f.workspace_id and c.status = 'executing'
      returning c.id, c.client_id
    )
    insert into audit_events (id, workspace_id, actor_type, actor_id, action, client_id, subject_type, subject_id, call_id, data)
    select v.audit_id, v.workspace_id, 'agent'::audit_actor_type, v.agent_id, v.audit_action, v.client_id, 'call', inserted.id, inserted.id, v.audit_data
      from v join inserted on inserted.id = v.id where v.audit_id is not null
    union all
    select f.audit_id, f.workspace_id, 'agent'::audit_actor_type, f.agent_id, f.audit_action, finished.client_id, 'call', finished.id, finished.id, f.audit_data
      from f join finished on finished.id = f.id`;

type Row = Record<string, unknown>;
type Waiter = { insert?: Row; finish?: Row; resolve: () => void; reject: (error: unknown) => void };

/** Per database handle: writes waiting for the next statement, and whether one is under way. */
const batches = new WeakMap<DatabaseHandle, { waiting: Waiter[]; writing: boolean }>();

const WRITE_CALLS_SQL = { sync: writeCallsSql({ asyncCommit: false }), async: writeCallsSql({ asyncCommit: true }) };

/**
 * How a batch commits. A new row is the record-before-upstream guarantee (or a refusal's audit
 * event): its commit waits until it is on disk. A batch of completions only commits asynchronously
 * — the agent's answer does not wait for a disk flush (one fsync, several ms on this project's
 * machines). Should the database server itself crash in the next moment (an app crash loses
 * nothing committed), the last completions can be lost: their rows stay `executing` and the
 * sweep marks them "outcome unknown", as after an app crash mid-call. WAL order keeps the loss to
 * the tail: any later synchronous commit makes every earlier one durable too.
 */
export function commitModeOf(batch: { inserts: number; finishes: number }): "sync" | "async" {
  return batch.inserts === 0 && batch.finishes > 0 ? "async" : "sync";
}

async function writeRows(handle: DatabaseHandle, waiters: Waiter[]): Promise<void> {
  const inserts = waiters.flatMap((waiter) => (waiter.insert ? [waiter.insert] : []));
  const finishes = waiters.flatMap((waiter) => (waiter.finish ? [waiter.finish] : []));
  const mode = commitModeOf({ inserts: inserts.length, finishes: finishes.length });
  await handle.query(WRITE_CALLS_SQL[mode], [JSON.stringify(inserts), JSON.stringify(finishes)]);
}

async function flush(handle: DatabaseHandle): Promise<void> {
  const batch = batches.get(handle)!;
  batch.writing = true;
  while (batch.waiting.length) {
    const waiters = batch.waiting.splice(0, 200);
    try {
      await writeRows(handle, waiters);
      for (const waiter of waiters) waiter.resolve();
    } catch (error) {
      if (waiters.length === 1) {
        waiters[0]!.reject(error);
        continue;
      }
      // One bad row must not fail the others: write them one by one, each with its own outcome.
      for (const waiter of waiters) await writeRows(handle, [waiter]).then(waiter.resolve, waiter.reject);
    }
  }
  batch.writing = false;
}

/**
 * Group commit: a write waits only while another is under way, then goes with everything that
 * queued meanwhile in one statement. An idle gateway writes at once; a busy one makes far fewer
 * round trips and commits. Resolves once this write is committed.
 */
function enqueueWrite(handle: DatabaseHandle, write: { insert?: Row; finish?: Row }): Promise<void> {
  let batch = batches.get(handle);
  if (!batch) batches.set(handle, (batch = { waiting: [], writing: false }));
  const committed = new Promise<void>((resolve, reject) => batch.waiting.push({ ...write, resolve, reject }));
  if (!batch.writing) void flush(handle);
  return committed;
}

/** A new call row as the SQL above reads it (`started`: timed by the database as it is written). */
function insertRow(call: CallRecord, started: boolean, audit: AuditFields | null): Row {
  return {
    id: call.id,
    workspace_id: call.workspaceId,
    agent_id: call.agentId,
    agent_key_id: call.agentKeyId,
    agent_key_prefix: call.agentKeyPrefix,
    integration_id: call.integrationId,
    tool_id: call.toolId,
    tool_definition_hash: call.toolDefinitionHash,
    client_id: call.clientId,
    integration_slug: call.integrationSlug,
    tool_name: call.toolName,
    arguments: call.arguments,
    arguments_digest: call.argumentsDigest,
    requester_email: call.requesterEmail,
    requester_person_id: call.requesterPersonId ?? null,
    requester_source: call.requesterSource ?? null,
    ticket_system: call.ticketSystem,
    ticket_id: call.ticketId,
    reason: call.reason,
    status: call.status,
    decision_reason: call.decisionReason,
    decision_rule: call.decisionRule ?? null,
    error_code: call.errorCode ?? null,
    error_message: call.errorMessage ?? null,
    idempotency_key: call.idempotencyKey ?? null,
    request_hash: call.requestHash ?? null,
    expires_at: iso(call.expiresAt),
    secret_ciphertext: call.secretCiphertext ?? null,
    started,
    audit_id: audit ? newId("audit") : null,
    audit_action: audit?.action ?? null,
    audit_data: audit?.data ?? null,
  };
}

/**
 * Records an `auto` call as `executing` before its upstream request, so no upstream effect is ever
 * without a committed record: a crash before the completion leaves the row for the sweep, which
 * marks it "outcome unknown". Group-committed with the other calls' writes.
 */
export async function recordCallStarted(handle: DatabaseHandle, call: CallRecord & { id: string }): Promise<void> {
  await enqueueWrite(handle, { insert: startedRow(call) });
}

/** An `auto` call's row as written before its upstream request: `executing`, started now. */
export function startedRow(call: CallRecord & { id: string }): Row {
  return insertRow({ ...call, status: "executing" }, true, null);
}

/** Records a refused call (nothing went upstream) with its audit event. Group-committed. */
export async function recordCallRefused(handle: DatabaseHandle, call: CallRecord & { id: string }, audit: AuditFields): Promise<void> {
  await enqueueWrite(handle, { insert: insertRow({ ...call, status: "rejected" }, false, audit) });
}

export type CallCompletion = {
  status: "succeeded" | "failed" | "rejected";
  result?: unknown;
  /** For a result not stored in clear (sensitive): its digest. */
  resultDigest?: string | null;
  errorCode?: string | null;
  errorMessage?: string | null;
  /** The decision's reason, for a row claimed before the decision was made. */
  decisionReason?: string;
  latencyMs: number;
};

/**
 * Completes a call row that is still `executing` (an `auto` call after its upstream answered, or a
 * call whose Idempotency-Key claimed its row) with its audit event. Group-committed.
 */
export async function recordCallCompleted(
  handle: DatabaseHandle,
  call: { id: string; workspaceId: string; agentId: string },
  completion: CallCompletion,
  audit: AuditFields,
): Promise<void> {
  await enqueueWrite(handle, {
    finish: {
      id: call.id,
      workspace_id: call.workspaceId,
      agent_id: call.agentId,
      status: completion.status,
      result: completion.result ?? null,
      result_digest: completion.resultDigest ?? null,
      error_code: completion.errorCode ?? null,
      error_message: completion.errorMessage ?? null,
      decision_reason: completion.decisionReason ?? null,
      latency_ms: completion.latencyMs,
      audit_id: newId("audit"),
      audit_action: audit.action,
      audit_data: audit.data,
    },
  });
}
