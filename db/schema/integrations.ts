import { boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { baselines } from "./baselines";
import { clients } from "./clients";
import { idColumn, timestamps } from "./columns";
import type { PolicyRule } from "./policy-rules";
import { toolPolicy } from "./policies";
import { workspaces } from "./workspaces";

export const INTEGRATION_KINDS = ["mcp", "slack", "demo_directory", "jira", "connectwise"] as const;
export type IntegrationKind = (typeof INTEGRATION_KINDS)[number];
export const integrationKind = pgEnum("integration_kind", INTEGRATION_KINDS);

export const INTEGRATION_STATUSES = ["active", "paused", "disconnected"] as const;
export type IntegrationStatus = (typeof INTEGRATION_STATUSES)[number];
export const integrationStatus = pgEnum("integration_status", INTEGRATION_STATUSES);

/** Settings that are not secret (URLs, ids); secrets live encrypted in `secret_ciphertext`. */
export type IntegrationConfig = {
  url?: string;
  siteUrl?: string;
  accountEmail?: string;
  companyId?: string;
  clientId?: string;
  authHeaderName?: string;
  /** demo_directory: which demo directory (served by this app) the integration connects to. */
  directoryId?: string;
};

export const integrations = pgTable(
  "integrations",
  {
    id: idColumn("integration"),
    workspaceId: text()
      .notNull()
      .references(() => workspaces.id),
    /** Null: the integration serves the MSP as a whole (its PSA, its Slack). */
    clientId: text().references(() => clients.id),
    kind: integrationKind().notNull(),
    slug: text().notNull(),
    name: text().notNull(),
    /** The prefix of its tools' MCP names (`<prefix>__<tool>`), when an admin chose one shorter than the slug. */
    mcpPrefix: text(),
    status: integrationStatus().notNull().default("active"),
    config: jsonb().$type<IntegrationConfig>().notNull().default({}),
    /** AES-256-GCM of a JSON object of secrets; never sent to the browser. */
    secretCiphertext: text(),
    /** Optimistic-concurrency revision for the detail page; bumped by every save and re-sync. */
    revision: integer().notNull().default(1),
    /** Null until an admin first saves the policies (the review banner shows until then). */
    policiesReviewedAt: timestamp({ withTimezone: true }),
    lastSavedByUserId: text(),
    lastSavedAt: timestamp({ withTimezone: true }),
    lastSyncedAt: timestamp({ withTimezone: true }),
    lastSyncError: text(),
    /** The baseline whose policies this integration follows (`db/schema/baselines.ts`); null: its own policies only. */
    baselineId: text().references(() => baselines.id),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex("integrations_workspace_id_slug_idx").on(t.workspaceId, t.slug),
    index("integrations_client_id_idx").on(t.clientId),
    index("integrations_baseline_id_idx").on(t.baselineId),
  ],
);

export type ToolAnnotations = {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
};

/** A tool of an integration, with its policy (the policy lives on the row: one read decides). */
export const tools = pgTable(
  "tools",
  {
    id: idColumn("tool"),
    workspaceId: text()
      .notNull()
      .references(() => workspaces.id),
    integrationId: text()
      .notNull()
      .references(() => integrations.id),
    name: text().notNull(),
    title: text(),
    description: text().notNull().default(""),
    inputSchema: jsonb().$type<Record<string, unknown>>().notNull(),
    /** The upstream's `outputSchema`, advertised to agents only while the tool runs without approval. */
    outputSchema: jsonb().$type<Record<string, unknown>>(),
    annotations: jsonb().$type<ToolAnnotations>().notNull().default({}),
    /** SHA-256 of the canonical definition (description, schema, annotations). */
    definitionHash: text().notNull(),
    policy: toolPolicy().notNull(),
    managerApproval: boolean().notNull().default(false),
    /** Conditions on arguments, in order (server/policy/rules.ts); the strictest matching rule wins over the policy. */
    rules: jsonb().$type<PolicyRule[]>().notNull().default([]),
    /**
     * The two-person rule: how many distinct technicians must approve (1, 2 or 3; meaningful only with
     * `approval_needed`). Each call keeps the number asked of it on its technician request.
     */
    technicianApprovals: integer().notNull().default(1),
    seededPolicy: toolPolicy().notNull(),
    seededReason: text().notNull(),
    /** Seeding suggests Manager Approval (the upstream marks the tool destructive); the admin decides. */
    managerApprovalSuggested: boolean().notNull().default(false),
    /** Why seeding wants a person to look at this tool (its annotations contradict its name); null: nothing. */
    reviewNote: text(),
    /** Its result is a secret (a temporary password, a token): returned once to the agent, stored redacted. */
    sensitiveResult: boolean().notNull().default(false),
    /** Minutes before an unanswered technician request about this tool escalates; null: the workspace's. */
    escalationMinutes: integer(),
    /** Set when a re-sync saw the definition change; the tool needs approval until confirmed. */
    flaggedAt: timestamp({ withTimezone: true }),
    removedAt: timestamp({ withTimezone: true }),
    /**
     * Its name for MCP clients, unique in the workspace: assigned when the tool is first synced (or
     * the integration's prefix changes) and kept across re-syncs, so listing and calling agree.
     */
    mcpName: text(),
    /** Its integration follows a baseline and an admin chose a policy for this tool that differs from it: baseline changes skip it. */
    baselineOverride: boolean().notNull().default(false),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex("tools_integration_id_name_idx").on(t.integrationId, t.name),
    index("tools_workspace_id_idx").on(t.workspaceId),
    uniqueIndex("tools_workspace_id_mcp_name_idx").on(t.workspaceId, t.mcpName),
  ],
);

export type IntegrationRow = typeof integrations.$inferSelect;
export type ToolRow = typeof tools.$inferSelect;
