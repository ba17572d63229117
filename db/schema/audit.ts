import { sql } from "drizzle-orm";
import { bigint, check, customType, index, jsonb, pgEnum, pgTable, smallint, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { idColumn } from "./columns";

export const AUDIT_ACTOR_TYPES = ["user", "agent", "approver", "system"] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];
export const auditActorType = pgEnum("audit_actor_type", AUDIT_ACTOR_TYPES);

/** PostgreSQL's 64-bit transaction id (never wraps around); read and written as decimal text. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => "xid8" });

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
    /**
     * The writing transaction, set by the database (no writer names it): the sealer chains an
     * event only once every transaction with a lower id has finished, so a late commit can never
     * slip in before an event already sealed.
     */
    txId: xid8()
      .notNull()
      .default(sql`pg_current_xact_id()`),
  },
  (t) => [
    index("audit_events_workspace_id_at_idx").on(t.workspaceId, t.at),
    index("audit_events_call_id_idx").on(t.callId),
    index("audit_events_tx_id_idx").on(t.txId),
  ],
);

/**
 * One link of a workspace's audit chain per sealed event (append-only, like the events):
 * `link = HMAC(workspace key, previous link, event content)`, numbered 1, 2, 3… per workspace.
 * The key (derived from TOOLGATE_AUDIT_KEY) is never in the database.
 */
export const auditSeals = pgTable(
  "audit_seals",
  {
    eventId: text().primaryKey(),
    workspaceId: text().notNull(),
    seq: bigint({ mode: "number" }).notNull(),
    link: text().notNull(),
    sealedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("audit_seals_workspace_id_seq_idx").on(t.workspaceId, t.seq)],
);

/** The sealer's one row: how far it has sealed (every event with a lower `tx_id` is sealed). */
export const auditSealerState = pgTable(
  "audit_sealer_state",
  {
    id: smallint().primaryKey().default(1),
    watermark: xid8()
      .notNull()
      .default(sql`'0'::xid8`),
    sealedAt: timestamp({ withTimezone: true }),
  },
  (t) => [check("audit_sealer_state_one_row", sql`${t.id} = 1`)],
);
