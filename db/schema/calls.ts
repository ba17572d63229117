import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { DecidingRule } from "./policy-rules";
import { agents } from "./agents";
import { idColumn } from "./columns";
import { workspaces } from "./workspaces";

export const CALL_STATUSES = [
  "rejected",
  "pending_approval",
  "approved",
  "executing",
  "succeeded",
  "failed",
  "denied",
  "expired",
  "cancelled",
] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];
export const callStatus = pgEnum("call_status", CALL_STATUSES);

/**
 * How the requester is known, weakest last: confirmed as the ticket's reporter; named by the agent's
 * code (the body, `_meta` or a header); named by the model (a reserved argument it filled in, which
 * text in the ticket can steer).
 */
export type RequesterSource = "verified_by_ticket" | "named_by_agent" | "named_by_model";

export const TICKET_SYSTEMS = ["jira", "connectwise"] as const;
export type TicketSystem = (typeof TICKET_SYSTEMS)[number];

/**
 * One tool call by an agent, whatever its outcome. The arguments stored here are the ones that
 * run: approvers see them, and execution checks their digest.
 */
export const toolCalls = pgTable(
  "tool_calls",
  {
    id: idColumn("call"),
    workspaceId: text()
      .notNull()
      .references(() => workspaces.id),
    agentId: text()
      .notNull()
      .references(() => agents.id),
    agentKeyPrefix: text().notNull(),
    /** The key the call was made with: revoking it as compromised cancels the call while it waits. */
    agentKeyId: text(),
    /** Null when the agent named an integration or tool that does not exist for it. */
    integrationId: text(),
    toolId: text(),
    clientId: text(),
    integrationSlug: text().notNull(),
    toolName: text().notNull(),
    /** The tool's definition when the call was made: approvers approved this one, and no other. */
    toolDefinitionHash: text(),
    arguments: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    argumentsDigest: text().notNull(),
    requesterEmail: text(),
    requesterPersonId: text(),
    /** How the requester is known: named by the agent, or confirmed as the ticket's reporter/contact. */
    requesterSource: text().$type<RequesterSource>(),
    ticketSystem: text().$type<TicketSystem>(),
    ticketId: text(),
    reason: text(),
    status: callStatus().notNull(),
    /** The decision's reason in words (which policy, flagged definition, …). */
    decisionReason: text().notNull(),
    /** The tool's rule that decided the call (`decision.rule`), when one did: "rule 2, group is one of [Domain Admins]". */
    decisionRule: jsonb().$type<DecidingRule>(),
    errorCode: text(),
    errorMessage: text(),
    result: jsonb(),
    /**
     * Sealed (secret-box) secrets of a call that has not delivered them yet: `writeOnly` / password
     * arguments until it runs, a sensitive result until the agent has read it once.
     */
    secretCiphertext: text(),
    /** SHA-256 of a result that is not stored in clear (sensitive, or purged). */
    resultDigest: text(),
    /** Set when the retention period purged its arguments and result. */
    purgedAt: timestamp({ withTimezone: true }),
    idempotencyKey: text(),
    requestHash: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }),
    decidedAt: timestamp({ withTimezone: true }),
    /** Set when an instance claims an approved call for execution (before the upstream request). */
    executionClaimedAt: timestamp({ withTimezone: true }),
    /** Set just before the upstream request: a call claimed but not started can safely run again. */
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    latencyMs: integer(),
  },
  // Partial indexes: the hot path's rows (finished or refused calls without an idempotency key)
  // touch only the primary key and the Activity index, which keeps the gateway's write cheap.
  (t) => [
    index("tool_calls_workspace_id_created_at_idx").on(t.workspaceId, t.createdAt),
    index("tool_calls_agent_id_status_idx")
      .on(t.agentId, t.status)
      .where(sql`${t.status} = 'pending_approval'`),
    uniqueIndex("tool_calls_agent_id_idempotency_key_idx")
      .on(t.agentId, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} is not null`),
    index("tool_calls_status_idx")
      .on(t.status)
      .where(sql`${t.status} in ('pending_approval', 'approved', 'executing')`),
  ],
);

export type ToolCallRow = typeof toolCalls.$inferSelect;
