import { boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { PolicyRule } from "./policy-rules";
import { idColumn } from "./columns";
import { workspaces } from "./workspaces";

export const TOOL_POLICIES = ["auto", "approval_needed", "disabled"] as const;
export type ToolPolicy = (typeof TOOL_POLICIES)[number];
export const toolPolicy = pgEnum("tool_policy", TOOL_POLICIES);

export const POLICY_CHANGE_SOURCES = ["save", "restore_default", "copy", "confirm_definition", "baseline"] as const;
export const policyChangeSource = pgEnum("policy_change_source", POLICY_CHANGE_SOURCES);

/** One row per tool per save: who changed what, from → to. Written in the save's transaction. */
export const toolPolicyChanges = pgTable(
  "tool_policy_changes",
  {
    id: idColumn("policyChange"),
    workspaceId: text()
      .notNull()
      .references(() => workspaces.id),
    integrationId: text().notNull(),
    toolId: text().notNull(),
    changedByUserId: text(),
    source: policyChangeSource().notNull(),
    fromPolicy: toolPolicy().notNull(),
    toPolicy: toolPolicy().notNull(),
    fromManagerApproval: boolean().notNull(),
    toManagerApproval: boolean().notNull(),
    /** The tool's rules before and after the save (equal when only the policy changed). */
    fromRules: jsonb().$type<PolicyRule[]>().notNull().default([]),
    toRules: jsonb().$type<PolicyRule[]>().notNull().default([]),
    fromTechnicianApprovals: integer().notNull().default(1),
    toTechnicianApprovals: integer().notNull().default(1),
    /** The integration revision this save produced. */
    revision: integer().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("tool_policy_changes_integration_id_created_at_idx").on(t.integrationId, t.createdAt),
    index("tool_policy_changes_tool_id_idx").on(t.toolId),
  ],
);
