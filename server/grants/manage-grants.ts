import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import { agents, clients, integrations, toolGrants, tools } from "@/db/schema";
import { recordAudit } from "../audit/record";
import type { UserContext } from "../context";
import { ServiceError } from "../errors";

export type GrantListItem = {
  id: string;
  agentName: string;
  integrationName: string;
  clientName: string | null;
  toolName: string;
  toolTitle: string | null;
  pinnedArguments: Record<string, unknown>;
  unpinnedArguments: string[];
  requesterEmail: string | null;
  approvedBy: string;
  createdAt: Date;
  expiresAt: Date;
  useCount: number;
  lastUsedAt: Date | null;
  callId: string;
};

/**
 * The workspace's active standing grants (unexpired, unrevoked), soonest to expire first: who
 * granted what to which agent, until when, and how often it was used. A grant the tool's later
 * policy change voided still shows until it expires (the decision ignores it; revoking tidies it).
 */
export async function listActiveGrants(ctx: UserContext): Promise<GrantListItem[]> {
  const workspaceId = ctx.user.workspaceId;
  return ctx.db
    .select({
      id: toolGrants.id,
      agentName: agents.name,
      integrationName: integrations.name,
      clientName: clients.name,
      toolName: tools.name,
      toolTitle: tools.title,
      pinnedArguments: toolGrants.pinnedArguments,
      unpinnedArguments: toolGrants.unpinnedArguments,
      requesterEmail: toolGrants.requesterEmail,
      approvedBy: toolGrants.approvedBy,
      createdAt: toolGrants.createdAt,
      expiresAt: toolGrants.expiresAt,
      useCount: toolGrants.useCount,
      lastUsedAt: toolGrants.lastUsedAt,
      callId: toolGrants.callId,
    })
    .from(toolGrants)
    .innerJoin(agents, and(eq(agents.id, toolGrants.agentId), eq(agents.workspaceId, workspaceId)))
    .innerJoin(tools, and(eq(tools.id, toolGrants.toolId), eq(tools.workspaceId, workspaceId)))
    .innerJoin(integrations, and(eq(integrations.id, toolGrants.integrationId), eq(integrations.workspaceId, workspaceId)))
    .leftJoin(clients, and(eq(clients.id, toolGrants.clientId), eq(clients.workspaceId, workspaceId)))
    .where(and(eq(toolGrants.workspaceId, workspaceId), isNull(toolGrants.revokedAt), gt(toolGrants.expiresAt, sql`now()`)))
    .orderBy(toolGrants.expiresAt, desc(toolGrants.createdAt))
    .limit(500);
}

/**
 * Revokes a grant: the next call reads it revoked (the gateway caches nothing), on every instance.
 * Conditional and audited in one transaction; revoking one already revoked or expired says so.
 */
export async function revokeGrant(ctx: UserContext, input: { grantId: string }): Promise<{ revoked: true }> {
  const workspaceId = ctx.user.workspaceId;
  return ctx.db.transaction(async (tx) => {
    const [grant] = await tx
      .update(toolGrants)
      .set({ revokedAt: sql`now()`, revokedByUserId: ctx.user.id })
      .where(and(eq(toolGrants.id, input.grantId), eq(toolGrants.workspaceId, workspaceId), isNull(toolGrants.revokedAt)))
      .returning();
    if (!grant) {
      const [existing] = await tx
        .select({ id: toolGrants.id })
        .from(toolGrants)
        .where(and(eq(toolGrants.id, input.grantId), eq(toolGrants.workspaceId, workspaceId)));
      if (!existing) throw new ServiceError("not_found", "No such grant.");
      throw new ServiceError("conflict", "This grant was already revoked.");
    }
    await recordAudit(tx, {
      workspaceId,
      actorType: "user",
      actorId: ctx.user.id,
      action: "grant.revoked",
      clientId: grant.clientId,
      subjectType: "grant",
      subjectId: grant.id,
      callId: grant.callId,
      data: { useCount: grant.useCount, expiresAt: grant.expiresAt.toISOString() },
    });
    return { revoked: true as const };
  });
}
