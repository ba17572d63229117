import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * State of the demo directories shipped with the app: one directory per demo integration, so each
 * client's data is separate. Calls through the gateway change these rows, so effects are visible.
 */
export const demoUsers = pgTable(
  "demo_users",
  {
    integrationId: text().notNull(),
    email: text().notNull(),
    name: text().notNull(),
    department: text().notNull().default(""),
    title: text().notNull().default(""),
    managerEmail: text(),
    enabled: boolean().notNull().default(true),
    licenses: jsonb().$type<string[]>().notNull().default([]),
    mailboxDelegates: jsonb().$type<string[]>().notNull().default([]),
    passwordResetCount: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.email] })],
);

export const demoGroups = pgTable(
  "demo_groups",
  {
    integrationId: text().notNull(),
    name: text().notNull(),
    description: text().notNull().default(""),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.name] })],
);

export const demoGroupMembers = pgTable(
  "demo_group_members",
  {
    integrationId: text().notNull(),
    groupName: text().notNull(),
    userEmail: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.groupName, t.userEmail] })],
);

/** The demo directory's own audit log (what `fetch_audit_log` returns). */
export const demoEvents = pgTable(
  "demo_events",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    integrationId: text().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    action: text().notNull(),
    detail: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index("demo_events_integration_id_at_idx").on(t.integrationId, t.at)],
);
