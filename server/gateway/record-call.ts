import { sql } from "drizzle-orm";
import type { DatabaseHandle, Executor } from "@/db";
import { newId } from "@/db/ids";
import type { CallStatus, RequesterSource, TicketSystem } from "@/db/schema";

export type CallRecord = {
  id?: string;
  workspaceId: string;
  agentId: string;
  agentKeyPrefix: string;
  integrationId: string | null;
  toolId: string | null;
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
  errorCode?: string | null;
  errorMessage?: string | null;
  result?: unknown;
  idempotencyKey?: string | null;
  requestHash?: string | null;
  responseStatus?: number | null;
  responseBody?: unknown;
  expiresAt?: Date | null;
  startedAt?: Date | null;
  finishedAt?: Date | null;
  latencyMs?: number | null;
};

export type AuditFields = { action: string; data: Record<string, unknown> };

const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
// postgres.js cannot serialise a Date parameter of unknown type in raw SQL: send ISO text and cast.
const iso = (value: Date | null | undefined) => value?.toISOString() ?? null;

/**
 * Inserts a call and its audit event in one statement (one round trip: the gateway's write after
 * the upstream call). Returns the call id.
 */
export async function insertCallWithAudit(db: Executor, call: CallRecord, audit: AuditFields): Promise<string> {
  const id = call.id ?? newId("call");
  await db.execute(sql`
    with c as (
      insert into tool_calls (id, workspace_id, agent_id, agent_key_prefix, integration_id, tool_id, client_id, integration_slug, tool_name,
        arguments, arguments_digest, requester_email, requester_person_id, requester_source, ticket_system, ticket_id, reason, status,
        decision_reason, error_code, error_message, result, idempotency_key, request_hash, response_status, response_body,
        expires_at, started_at, finished_at, latency_ms)
      values (${id}, ${call.workspaceId}, ${call.agentId}, ${call.agentKeyPrefix}, ${call.integrationId}, ${call.toolId}, ${call.clientId},
        ${call.integrationSlug}, ${call.toolName}, ${JSON.stringify(call.arguments)}::jsonb, ${call.argumentsDigest}, ${call.requesterEmail},
        ${call.requesterPersonId ?? null}, ${call.requesterSource ?? null}, ${call.ticketSystem}, ${call.ticketId}, ${call.reason}, ${call.status},
        ${call.decisionReason}, ${call.errorCode ?? null}, ${call.errorMessage ?? null}, ${json(call.result)}::jsonb, ${call.idempotencyKey ?? null},
        ${call.requestHash ?? null}, ${call.responseStatus ?? null}, ${json(call.responseBody)}::jsonb, ${iso(call.expiresAt)}::timestamptz,
        ${iso(call.startedAt)}::timestamptz, ${iso(call.finishedAt)}::timestamptz, ${call.latencyMs ?? null})
      returning id
    )
    insert into audit_events (id, workspace_id, actor_type, actor_id, action, client_id, subject_type, subject_id, call_id, data)
    select ${newId("audit")}, ${call.workspaceId}, 'agent', ${call.agentId}, ${audit.action}, ${call.clientId}, 'call', c.id, c.id, ${JSON.stringify(audit.data)}::jsonb
    from c`);
  return id;
}

/** Finishes a call claimed earlier (idempotency, approvals) and audits it, in one statement. */
export async function finishCallWithAudit(
  db: Executor,
  callId: string,
  workspaceId: string,
  fields: {
    status: CallStatus;
    result?: unknown;
    errorCode?: string | null;
    errorMessage?: string | null;
    responseStatus?: number | null;
    responseBody?: unknown;
    latencyMs?: number | null;
  },
  audit: AuditFields & { actorType?: "agent" | "system"; actorId?: string | null; clientId?: string | null },
): Promise<void> {
  await db.execute(sql`
    with c as (
      update tool_calls set status = ${fields.status}, result = ${json(fields.result)}::jsonb, error_code = ${fields.errorCode ?? null},
        error_message = ${fields.errorMessage ?? null}, response_status = ${fields.responseStatus ?? null}, response_body = ${json(fields.responseBody)}::jsonb,
        finished_at = now(), latency_ms = ${fields.latencyMs ?? null}
      where id = ${callId} and workspace_id = ${workspaceId}
      returning id, client_id
    )
    insert into audit_events (id, workspace_id, actor_type, actor_id, action, client_id, subject_type, subject_id, call_id, data)
    select ${newId("audit")}, ${workspaceId}, ${audit.actorType ?? "agent"}, ${audit.actorId ?? null}, ${audit.action}, c.client_id, 'call', c.id, c.id, ${JSON.stringify(audit.data)}::jsonb
    from c`);
}

/** Finished calls and their audit events, many rows per statement (see recordFinishedCall). */
const INSERT_FINISHED_CALLS_SQL = `
    with v as (
      select * from jsonb_to_recordset($1::jsonb) as v(id text, workspace_id text, agent_id text, agent_key_prefix text,
        integration_id text, tool_id text, client_id text, integration_slug text, tool_name text, arguments jsonb,
        arguments_digest text, requester_email text, ticket_system text, ticket_id text, reason text, status call_status,
        decision_reason text, error_code text, error_message text, result jsonb, latency_ms int, started_at timestamptz,
        finished_at timestamptz, audit_id text, audit_action text, audit_data jsonb)
    ), c as (
      insert into tool_calls (id, workspace_id, agent_id, agent_key_prefix, integration_id, tool_id, client_id, integration_slug, tool_name,
        arguments, arguments_digest, requester_email, ticket_system, ticket_id, reason, status, decision_reason, error_code,
        error_message, result, latency_ms, started_at, finished_at)
      select id, workspace_id, agent_id, agent_key_prefix, integration_id, tool_id, client_id, integration_slug, tool_name,
        coalesce(arguments, '{}'::jsonb), arguments_digest, requester_email, ticket_system, ticket_id, reason, status, decision_reason, error_code,
        error_message, result, latency_ms, started_at, finished_at from v
      returning id
    )
    insert into audit_events (id, workspace_id, actor_type, actor_id, action, client_id, subject_type, subject_id, call_id, data)
    select v.audit_id, v.workspace_id, 'agent', v.agent_id, v.audit_action, v.client_id, 'call', c.id, c.id, v.audit_data
    from v join c on c.id = v.id`;

type FinishedRow = Record<string, unknown>;
type Waiter = { row: FinishedRow; resolve: () => void; reject: (error: unknown) => void };

/** Per database handle: rows waiting for the next write, and whether a write is under way. */
const batches = new WeakMap<DatabaseHandle, { waiting: Waiter[]; writing: boolean }>();

async function writeRows(handle: DatabaseHandle, rows: FinishedRow[]): Promise<void> {
  await handle.query(INSERT_FINISHED_CALLS_SQL, [JSON.stringify(rows)]);
}

async function flush(handle: DatabaseHandle): Promise<void> {
  const batch = batches.get(handle)!;
  batch.writing = true;
  while (batch.waiting.length) {
    const waiters = batch.waiting.splice(0, 200);
    try {
      await writeRows(
        handle,
        waiters.map((waiter) => waiter.row),
      );
      for (const waiter of waiters) waiter.resolve();
    } catch (error) {
      if (waiters.length === 1) {
        waiters[0]!.reject(error);
        continue;
      }
      // One bad row must not fail the others: write them one by one, each with its own outcome.
      for (const waiter of waiters) await writeRows(handle, [waiter.row]).then(waiter.resolve, waiter.reject);
    }
  }
  batch.writing = false;
}

/**
 * The hot path's write — an `auto` call's outcome, or a refusal — with its audit event. Group
 * commit: a row waits only while another write is under way, then goes with everything that queued
 * meanwhile in one statement. An idle gateway writes at once; a busy one makes far fewer round trips
 * and commits. Resolves once this row is committed, so no response goes out before its audit row.
 */
export async function recordFinishedCall(handle: DatabaseHandle, call: CallRecord, audit: AuditFields): Promise<string> {
  const id = call.id ?? newId("call");
  const row: FinishedRow = {
    id,
    workspace_id: call.workspaceId,
    agent_id: call.agentId,
    agent_key_prefix: call.agentKeyPrefix,
    integration_id: call.integrationId,
    tool_id: call.toolId,
    client_id: call.clientId,
    integration_slug: call.integrationSlug,
    tool_name: call.toolName,
    arguments: call.arguments,
    arguments_digest: call.argumentsDigest,
    requester_email: call.requesterEmail,
    ticket_system: call.ticketSystem,
    ticket_id: call.ticketId,
    reason: call.reason,
    status: call.status,
    decision_reason: call.decisionReason,
    error_code: call.errorCode ?? null,
    error_message: call.errorMessage ?? null,
    result: call.result ?? null,
    latency_ms: call.latencyMs ?? null,
    started_at: iso(call.startedAt),
    finished_at: iso(call.finishedAt),
    audit_id: newId("audit"),
    audit_action: audit.action,
    audit_data: audit.data,
  };
  let batch = batches.get(handle);
  if (!batch) batches.set(handle, (batch = { waiting: [], writing: false }));
  const committed = new Promise<void>((resolve, reject) => batch.waiting.push({ row, resolve, reject }));
  if (!batch.writing) void flush(handle);
  await committed;
  return id;
}
