import { sql } from "drizzle-orm";
import { index, jsonb, pgEnum, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { idColumn } from "./columns";

export const AUDIT_ACTOR_TYPES = ["user", "agent", "approver", "system"] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];
export const auditActorType = pgEnum("audit_actor_type", AUDIT_ACTOR_TYPES);

/**
 * Append-only: a trigger (migration 0001) refuses UPDATE and DELETE. Written in the same
 * transaction as the change it describes.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: idColumn("audit"),
    workspaceId: text().notNull(),
    // clock_timestamp(), not now(): events written in one transaction keep the order they happened in.
    at: timestamp({ withTimezone: true })
      .notNull()
      .default(sql`clock_timestamp()`),
    actorType: auditActorType().notNull(),
    actorId: text(),
    action: text().notNull(),
    clientId: text(),
    subjectType: text(),
    subjectId: text(),
    callId: text(),
    data: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index("audit_events_workspace_id_at_idx").on(t.workspaceId, t.at), index("audit_events_call_id_idx").on(t.callId)],
);
