import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { idColumn } from "./columns";

/**
 * The demo directories shipped with the app: small but real MCP servers (served under
 * /api/demo/<id>/mcp) that behave like a client's user directory. Each has its own data and its
 * own bearer secret (only its hash is kept here; the integration that connects to it keeps the
 * secret encrypted). Calls through the gateway change these rows, so effects are visible.
 */
export const demoDirectories = pgTable("demo_directories", {
  id: idColumn("demo"),
  workspaceId: text().notNull(),
  name: text().notNull(),
  secretHash: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const demoUsers = pgTable(
  "demo_users",
  {
    directoryId: text().notNull(),
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
  (t) => [primaryKey({ columns: [t.directoryId, t.email] })],
);

export const demoGroups = pgTable(
  "demo_groups",
  {
    directoryId: text().notNull(),
    name: text().notNull(),
    description: text().notNull().default(""),
  },
  (t) => [primaryKey({ columns: [t.directoryId, t.name] })],
);

export const demoGroupMembers = pgTable(
  "demo_group_members",
  {
    directoryId: text().notNull(),
    groupName: text().notNull(),
    userEmail: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.directoryId, t.groupName, t.userEmail] })],
);

/** The demo directory's own audit log (what `fetch_audit_log` returns). */
export const demoEvents = pgTable(
  "demo_events",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    directoryId: text().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    action: text().notNull(),
    detail: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index("demo_events_directory_id_at_idx").on(t.directoryId, t.at)],
);
