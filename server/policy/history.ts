import { and, desc, eq } from "drizzle-orm";
import { toolPolicyChanges, tools, users } from "@/db/schema";
import type { UserContext } from "../context";
import { loadIntegration } from "../integrations/load";

/** Who changed which tool's policy, when, from → to (newest first). */
export async function listPolicyHistory(ctx: UserContext, input: { integrationId: string; limit?: number }) {
  const integration = await loadIntegration(ctx.db, ctx.user.workspaceId, input.integrationId);
  return ctx.db
    .select({
      id: toolPolicyChanges.id,
      toolId: toolPolicyChanges.toolId,
      toolName: tools.name,
      source: toolPolicyChanges.source,
      fromPolicy: toolPolicyChanges.fromPolicy,
      toPolicy: toolPolicyChanges.toPolicy,
      fromManagerApproval: toolPolicyChanges.fromManagerApproval,
      toManagerApproval: toolPolicyChanges.toManagerApproval,
      fromRules: toolPolicyChanges.fromRules,
      toRules: toolPolicyChanges.toRules,
      fromTechnicianApprovals: toolPolicyChanges.fromTechnicianApprovals,
      toTechnicianApprovals: toolPolicyChanges.toTechnicianApprovals,
      revision: toolPolicyChanges.revision,
      at: toolPolicyChanges.createdAt,
      by: users.name,
    })
    .from(toolPolicyChanges)
    .innerJoin(tools, eq(tools.id, toolPolicyChanges.toolId))
    .leftJoin(users, eq(users.id, toolPolicyChanges.changedByUserId))
    .where(and(eq(toolPolicyChanges.integrationId, integration.id), eq(toolPolicyChanges.workspaceId, ctx.user.workspaceId)))
    .orderBy(desc(toolPolicyChanges.createdAt), desc(toolPolicyChanges.revision))
    .limit(Math.min(input.limit ?? 500, 2_000));
}
