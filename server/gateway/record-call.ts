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

const INSERT_CALL_WITH_AUDIT_SQL = `
    with c as (
      insert into tool_calls (id, workspace_id, agent_id, agent_key_prefix, integration_id, tool_id, client_id, integration_slug, tool_name,
        arguments, arguments_digest, requester_email, ticket_system, ticket_id, reason, status,
        decision_reason, error_code, error_message, result, latency_ms, started_at, finished_at)
      values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14, $15, $16::call_status,
        $17, $18, $19, $20::jsonb, $21::int, $22::timestamptz, $23::timestamptz)
      returning id
    )
    insert into audit_events (id, workspace_id, actor_type, actor_id, action, client_id, subject_type, subject_id, call_id, data)
    select $24, $2, 'agent', $3, $25, $7, 'call', c.id, c.id, $26::jsonb from c`;

/**
 * The hot path's write (an `auto` call's outcome, or a refusal) and its audit event: one prepared
 * statement, one round trip. Calls that carry an idempotency key or wait for approval use the
 * fuller insertCallWithAudit.
 */
export async function recordFinishedCall(handle: DatabaseHandle, call: CallRecord, audit: AuditFields): Promise<string> {
  const id = call.id ?? newId("call");
  await handle.query(INSERT_CALL_WITH_AUDIT_SQL, [
    id,
    call.workspaceId,
    call.agentId,
    call.agentKeyPrefix,
    call.integrationId,
    call.toolId,
    call.clientId,
    call.integrationSlug,
    call.toolName,
    JSON.stringify(call.arguments),
    call.argumentsDigest,
    call.requesterEmail,
    call.ticketSystem,
    call.ticketId,
    call.reason,
    call.status,
    call.decisionReason,
    call.errorCode ?? null,
    call.errorMessage ?? null,
    json(call.result),
    call.latencyMs ?? null,
    iso(call.startedAt),
    iso(call.finishedAt),
    newId("audit"),
    audit.action,
    JSON.stringify(audit.data),
  ]);
  return id;
}
