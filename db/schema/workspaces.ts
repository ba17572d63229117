import { boolean, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { idColumn, timestamps } from "./columns";

/** How a newly connected integration's tools start: as classified, all needing approval, or all disabled until reviewed. */
export const NEW_TOOL_STARTS = ["classified", "approval_needed", "disabled"] as const;
export type NewToolStart = (typeof NEW_TOOL_STARTS)[number];

export type SmtpSettings = {
  host: string;
  port: number;
  secure: boolean;
  username: string | null;
  from: string;
};

/** One MSP. Every tenant table carries `workspace_id` and every query filters on it. */
export const workspaces = pgTable("workspaces", {
  id: idColumn("workspace"),
  slug: text().notNull().unique(),
  name: text().notNull(),
  /** Bumped by every change to what agents may see (save, connect, re-sync, pause). */
  toolsetVersion: integer().notNull().default(1),
  toolsetChangedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  /** The emergency stop: every agent call is refused while true. */
  agentsPaused: boolean().notNull().default(false),
  approvalExpirySeconds: integer().notNull().default(86_400),
  maxPendingApprovalsPerAgent: integer().notNull().default(20),
  /** The longest standing grant an approver may give, in hours (at most 24). */
  grantMaxHours: integer().notNull().default(8),
  /** Days after which a finished call's arguments and results are purged (digests and audit kept); null keeps them. */
  callRetentionDays: integer(),
  smtpSettings: jsonb().$type<SmtpSettings>(),
  smtpPasswordCiphertext: text(),
  /** IANA time zone: the Overview's days are this workspace's days. */
  timeZone: text().notNull().default("UTC"),
  /** False once single sign-on works and an admin turned passwords off (the break-glass admin keeps theirs). */
  passwordSignIn: boolean().notNull().default(true),
  /** The admin who may still sign in with a password while password sign-in is off. */
  breakGlassUserId: text(),
  /** The admin's last choice in the connect preview, remembered for the next integration. */
  newToolStart: text().$type<NewToolStart>().notNull().default("classified"),
  /**
   * Escalation of technician requests nobody answered: after `escalationMinutes` (a tool may
   * override it) to the escalation group and/or the Slack channel; after `escalationSecondMinutes`
   * (null: no second level) to the admins. Without a group or a channel, nothing escalates.
   */
  escalationMinutes: integer().notNull().default(15),
  escalationUserIds: jsonb().$type<string[]>().notNull().default([]),
  /** A Slack channel id (C…) or name (#…); its message links to the signed-in inbox, never a deep link. */
  escalationSlackChannel: text(),
  escalationSecondMinutes: integer(),
  ...timestamps(),
});
