import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import { agents, agentToolLimits, toolGrants, tools } from "@/db/schema";
import { classifiedReadOnly } from "./classify";
import type { UserContext } from "../context";
import { ServiceError } from "../errors";
import { loadIntegration } from "../integrations/load";

const DESCRIPTION_PREVIEW = 400;

/**
 * The detail page's rows: every tool not removed upstream, without input schemas (those load when
 * a row is expanded), descriptions cut to a preview, with the per-agent limits set on each (for the
 * explanation). Two queries.
 */
export async function listToolPolicies(ctx: UserContext, input: { integrationId: string }) {
  const integration = await loadIntegration(ctx.db, ctx.user.workspaceId, input.integrationId);
  const rows = await ctx.db
    .select({
      id: tools.id,
      name: tools.name,
      title: tools.title,
      description: tools.description,
      policy: tools.policy,
      managerApproval: tools.managerApproval,
      rules: tools.rules,
      technicianApprovals: tools.technicianApprovals,
      seededPolicy: tools.seededPolicy,
      seededReason: tools.seededReason,
      flaggedAt: tools.flaggedAt,
      managerApprovalSuggested: tools.managerApprovalSuggested,
      reviewNote: tools.reviewNote,
      definitionHash: tools.definitionHash,
    })
    .from(tools)
    .where(and(eq(tools.integrationId, integration.id), eq(tools.workspaceId, ctx.user.workspaceId), isNull(tools.removedAt)))
    .orderBy(asc(tools.name));
  const limits = await ctx.db
    .select({ toolId: agentToolLimits.toolId, agentName: agents.name, callsPerHour: agentToolLimits.callsPerHour })
    .from(agentToolLimits)
    .innerJoin(tools, eq(tools.id, agentToolLimits.toolId))
    .innerJoin(agents, eq(agents.id, agentToolLimits.agentId))
    .where(and(eq(tools.integrationId, integration.id), eq(agentToolLimits.workspaceId, ctx.user.workspaceId)))
    .orderBy(asc(agents.name));
  // Active standing grants on these tools, for the explanation (which asks the decision whether each still holds).
  const grants = await ctx.db
    .select({
      id: toolGrants.id,
      toolId: toolGrants.toolId,
      agentName: agents.name,
      pinnedArguments: toolGrants.pinnedArguments,
      unpinnedArguments: toolGrants.unpinnedArguments,
      requesterEmail: toolGrants.requesterEmail,
      approvals: toolGrants.approvals,
      approvedBy: toolGrants.approvedBy,
      policyFingerprint: toolGrants.policyFingerprint,
      expiresAt: toolGrants.expiresAt,
    })
    .from(toolGrants)
    .innerJoin(agents, eq(agents.id, toolGrants.agentId))
    .where(
      and(
        eq(toolGrants.integrationId, integration.id),
        eq(toolGrants.workspaceId, ctx.user.workspaceId),
        isNull(toolGrants.revokedAt),
        gt(toolGrants.expiresAt, sql`now()`),
      ),
    )
    .orderBy(asc(toolGrants.expiresAt));
  return rows.map(({ description, ...row }) => ({
    ...row,
    readOnly: classifiedReadOnly(row.seededPolicy),
    grants: grants.filter((grant) => grant.toolId === row.id).map(({ toolId: _toolId, ...grant }) => grant),
    toolLimits: limits.filter((limit) => limit.toolId === row.id).map(({ agentName, callsPerHour }) => ({ agentName, callsPerHour })),
    description: description.length > DESCRIPTION_PREVIEW ? `${description.slice(0, DESCRIPTION_PREVIEW)}…` : description,
    descriptionTruncated: description.length > DESCRIPTION_PREVIEW,
  }));
}

export type ToolPolicyRow = Awaited<ReturnType<typeof listToolPolicies>>[number];

/** One tool's full definition, loaded when its row is expanded. */
export async function getToolDefinition(ctx: UserContext, input: { toolId: string }) {
  const [tool] = await ctx.db
    .select({
      id: tools.id,
      name: tools.name,
      description: tools.description,
      inputSchema: tools.inputSchema,
      annotations: tools.annotations,
      flaggedAt: tools.flaggedAt,
    })
    .from(tools)
    .where(and(eq(tools.id, input.toolId), eq(tools.workspaceId, ctx.user.workspaceId)));
  if (!tool) throw new ServiceError("not_found", "No such tool in this workspace.");
  return tool;
}

/** Another integration's policies by tool name, for "copy policies from" (same kind only). */
export async function policiesByToolName(ctx: UserContext, input: { integrationId: string; fromIntegrationId: string }) {
  const target = await loadIntegration(ctx.db, ctx.user.workspaceId, input.integrationId);
  const source = await loadIntegration(ctx.db, ctx.user.workspaceId, input.fromIntegrationId);
  if (source.kind !== target.kind)
    throw new ServiceError("invalid_input", "Policies can only be copied from an integration of the same kind.");
  const rows = await ctx.db
    .select({ name: tools.name, policy: tools.policy, managerApproval: tools.managerApproval, rules: tools.rules })
    .from(tools)
    .where(and(eq(tools.integrationId, source.id), isNull(tools.removedAt)));
  return rows;
}
