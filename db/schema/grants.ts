import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { ApprovalKind } from "./approvals";
import { idColumn } from "./columns";
import { workspaces } from "./workspaces";

/**
 * A short standing grant: the approvers of one call allowed calls like it — same agent, tool and
 * client, the arguments they saw (each pinned unless they unpinned it), and the requester when a
 * ticket verified them — to run at once until `expiresAt`. A rung of the one decision
 * (server/policy/decide.ts); void once the tool's policy fingerprint differs from the one stored.
 */
export const toolGrants = pgTable(
  "tool_grants",
  {
    id: idColumn("grant"),
    workspaceId: text()
      .notNull()
      .references(() => workspaces.id),
    agentId: text().notNull(),
    integrationId: text().notNull(),
    toolId: text().notNull(),
    /** The tool's client; null for an MSP-wide integration. */
    clientId: text(),
    /** The call whose approval created the grant. */
    callId: text().notNull(),
    /** Argument name → the value every call must carry (canonical JSON equality). */
    pinnedArguments: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** Arguments the approvers unpinned: any value (or none). Any argument named in neither must be absent. */
    unpinnedArguments: jsonb().$type<string[]>().notNull().default([]),
    /** The requester every call must have, verified by a ticket; null when the approved call's was not verified. */
    requesterEmail: text(),
    /** The approvals that granted (every approval the call needed). */
    approvals: jsonb().$type<ApprovalKind[]>().notNull(),
    /** Who granted, in words ("Avery Admin and Marcus Lee"). */
    approvedBy: text().notNull(),
    /** `toolPolicyFingerprint` of the tool when granted: any change to its policy or definition voids the grant. */
    policyFingerprint: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: timestamp({ withTimezone: true }),
    revokedByUserId: text(),
    useCount: integer().notNull().default(0),
    lastUsedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The gateway's lookup, inside its one read: this agent's unrevoked grants on this tool.
    index("tool_grants_agent_id_tool_id_idx")
      .on(t.agentId, t.toolId, t.expiresAt)
      .where(sql`${t.revokedAt} is null`),
    index("tool_grants_workspace_id_expires_at_idx").on(t.workspaceId, t.expiresAt),
  ],
);

export type ToolGrantRow = typeof toolGrants.$inferSelect;
