import { boolean, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { clients } from "./clients";
import { idColumn, timestamps } from "./columns";
import { workspaces } from "./workspaces";

/** A program that calls tools through the gateway. */
export const agents = pgTable(
  "agents",
  {
    id: idColumn("agent"),
    workspaceId: text()
      .notNull()
      .references(() => workspaces.id),
    name: text().notNull(),
    paused: boolean().notNull().default(false),
    /** True: every client of the workspace; false: only those in `agent_clients`. */
    allClients: boolean().notNull().default(false),
    /** May use integrations that serve the MSP as a whole (client_id null). */
    mspWide: boolean().notNull().default(false),
    webhookUrl: text(),
    webhookSecretCiphertext: text(),
    /** Plan mode: only tools that run at once and are classified read-only may be called. */
    planMode: boolean().notNull().default(false),
    /** At most this many calls per minute (fixed windows, counted in `rate_limit_counters`); null: no limit. */
    callsPerMinute: integer(),
    /** Set when an admin deletes the agent: its keys are revoked and it leaves the list, but its calls and audit history stay. */
    deletedAt: timestamp({ withTimezone: true }),
    ...timestamps(),
  },
  (t) => [index("agents_workspace_id_idx").on(t.workspaceId)],
);

/** Per agent and tool: at most this many calls of the tool per hour. */
export const agentToolLimits = pgTable(
  "agent_tool_limits",
  {
    agentId: text()
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    toolId: text().notNull(),
    workspaceId: text()
      .notNull()
      .references(() => workspaces.id),
    callsPerHour: integer().notNull(),
    ...timestamps(),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.toolId] }), index("agent_tool_limits_workspace_id_idx").on(t.workspaceId)],
);

/**
 * One row per limited agent (scope `agent`) and per limited agent+tool (scope = the tool's id): the
 * current fixed window and how many calls it has seen. Incremented by the gateway's one read with
 * an atomic upsert, so concurrent calls on any instance each get their own number.
 */
export const rateLimitCounters = pgTable(
  "rate_limit_counters",
  {
    agentId: text()
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    scope: text().notNull(),
    workspaceId: text().notNull(),
    windowStart: timestamp({ withTimezone: true }).notNull(),
    count: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.scope] })],
);

export const agentClients = pgTable(
  "agent_clients",
  {
    agentId: text()
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    clientId: text()
      .notNull()
      .references(() => clients.id),
    workspaceId: text()
      .notNull()
      .references(() => workspaces.id),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.clientId] })],
);

/** API keys: only the SHA-256 of the key is stored, with a short prefix to recognise it by. */
export const agentKeys = pgTable(
  "agent_keys",
  {
    id: idColumn("agentKey"),
    workspaceId: text()
      .notNull()
      .references(() => workspaces.id),
    agentId: text()
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    prefix: text().notNull(),
    keyHash: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Retired (rotation): no new calls, but calls already made with it go on. */
    retiredAt: timestamp({ withTimezone: true }),
    /** Revoked as compromised: no new calls, and its calls still waiting are cancelled. */
    revokedAt: timestamp({ withTimezone: true }),
    lastUsedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex("agent_keys_key_hash_idx").on(t.keyHash), index("agent_keys_agent_id_idx").on(t.agentId)],
);
