import type { PolicyRule } from "./policy-rules";
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { idColumn, timestamps } from "./columns";
import type { IntegrationKind } from "./integrations";
import { toolPolicy } from "./policies";
import { workspaces } from "./workspaces";

/**
 * A named set of policies by tool name, kept MSP-wide, that integrations of one kind follow
 * (`server/baselines/compatible.ts` says what "one kind" is). Changing it changes every follower's
 * tools that are not overridden there, in one transaction.
 */
export const baselines = pgTable(
  "baselines",
  {
    id: idColumn("baseline"),
    workspaceId: text()
      .notNull()
      .references(() => workspaces.id),
    name: text().notNull(),
    /** The kind of integration it was made for (text, not the enum: this file must not import integrations.ts at run time). */
    kind: text().$type<IntegrationKind>().notNull(),
    /** Which integrations may follow it: `compatibilityKey()` of each must equal this. */
    compatibilityKey: text().notNull(),
    /** Optimistic concurrency for the baseline page; bumped by every save. */
    revision: integer().notNull().default(1),
    createdByUserId: text(),
    ...timestamps(),
  },
  (t) => [uniqueIndex("baselines_workspace_id_name_idx").on(t.workspaceId, t.name)],
);

/** One tool's policy in a baseline, by tool name (followers match their tools by name). */
export const baselineTools = pgTable(
  "baseline_tools",
  {
    id: idColumn("baselineTool"),
    workspaceId: text()
      .notNull()
      .references(() => workspaces.id),
    baselineId: text()
      .notNull()
      .references(() => baselines.id),
    toolName: text().notNull(),
    policy: toolPolicy().notNull(),
    managerApproval: boolean().notNull().default(false),
    /** Per-tool argument rules (server/policy/rules.ts), copied with the policy to followers. */
    rules: jsonb().$type<PolicyRule[]>().notNull().default([]),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex("baseline_tools_baseline_id_tool_name_idx").on(t.baselineId, t.toolName),
    index("baseline_tools_workspace_id_idx").on(t.workspaceId),
  ],
);

export type BaselineRow = typeof baselines.$inferSelect;
export type BaselineToolRow = typeof baselineTools.$inferSelect;
