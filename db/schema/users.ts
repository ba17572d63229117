import { boolean, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { idColumn, timestamps } from "./columns";
import { workspaces } from "./workspaces";

export const USER_ROLES = ["admin", "technician"] as const;
export type UserRole = (typeof USER_ROLES)[number];
export const userRole = pgEnum("user_role", USER_ROLES);

/** How a technician wants approval requests: Slack, e-mail or both (each only where it is set up). */
export const APPROVAL_NOTIFY = ["slack", "email", "both"] as const;
export type ApprovalNotify = (typeof APPROVAL_NOTIFY)[number];
export const approvalNotify = pgEnum("approval_notify", APPROVAL_NOTIFY);

export const users = pgTable(
  "users",
  {
    id: idColumn("user"),
    workspaceId: text()
      .notNull()
      .references(() => workspaces.id),
    /** Stored lower-cased; one account per address across the installation (sign-in is by e-mail). */
    email: text().notNull(),
    name: text().notNull(),
    role: userRole().notNull(),
    /** argon2id; null until the user has set a password through their one-time link. */
    passwordHash: text(),
    active: boolean().notNull().default(true),
    slackUserId: text(),
    approvalNotify: approvalNotify().notNull().default("slack"),
    ...timestamps(),
  },
  (t) => [uniqueIndex("users_email_idx").on(t.email), index("users_workspace_id_idx").on(t.workspaceId)],
);

/** Server-side sessions: the session token only carries this id, so revocation is immediate. */
export const sessions = pgTable(
  "sessions",
  {
    id: idColumn("session"),
    userId: text()
      .notNull()
      .references(() => users.id),
    workspaceId: text()
      .notNull()
      .references(() => workspaces.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("sessions_user_id_idx").on(t.userId)],
);

/** One-time links an admin hands to a new user to set their password. Only the hash is kept. */
export const passwordSetupTokens = pgTable(
  "password_setup_tokens",
  {
    id: idColumn("setupToken"),
    userId: text()
      .notNull()
      .references(() => users.id),
    workspaceId: text()
      .notNull()
      .references(() => workspaces.id),
    tokenHash: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("password_setup_tokens_token_hash_idx").on(t.tokenHash)],
);

/** Failed sign-ins per e-mail address and per client address, to slow down guessing. */
export const loginThrottles = pgTable("login_throttles", {
  key: text().primaryKey(),
  failures: integer().notNull().default(0),
  firstFailureAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  blockedUntil: timestamp({ withTimezone: true }),
});

/** Fixed-window counters for rate limits shared by every instance (unknown deep-link tokens per address). */
export const rateLimits = pgTable("rate_limits", {
  key: text().primaryKey(),
  windowStart: timestamp({ withTimezone: true }).notNull(),
  count: integer().notNull().default(0),
});
