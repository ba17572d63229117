import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { agents, agentToolLimits, integrations, tools } from "@/db/schema";
import { recordAudit } from "../audit/record";
import type { UserContext } from "../context";
import { ServiceError } from "../errors";
import { recordAccessChange } from "../integrations/toolset-version";
import { loadAgent } from "./manage-agents";

/**
 * Puts an agent in plan mode or takes it out. Like a pause, it is an access change: the agent's
 * tool list changes (agents are told), and its calls still waiting or approved are decided again —
 * in plan mode only a tool that runs at once and is classified read-only may run, so those are cancelled.
 */
export async function setAgentPlanMode(ctx: UserContext, input: { agentId: string; planMode: boolean }): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const agent = await loadAgent(tx, ctx.user.workspaceId, input.agentId);
    await tx.update(agents).set({ planMode: input.planMode }).where(eq(agents.id, agent.id));
    const cause = input.planMode ? "agent.plan_mode_on" : "agent.plan_mode_off";
    await recordAudit(tx, {
      workspaceId: ctx.user.workspaceId,
      actorType: "user",
      actorId: ctx.user.id,
      action: cause,
      subjectType: "agent",
      subjectId: agent.id,
    });
    await recordAccessChange(tx, { workspaceId: ctx.user.workspaceId, cause, actor: { type: "user", id: ctx.user.id } });
  });
}

/** Sets (or, with null, removes) the agent's limit of calls per minute; applies to its very next call. */
export async function setAgentCallsPerMinute(ctx: UserContext, input: { agentId: string; callsPerMinute: number | null }): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const agent = await loadAgent(tx, ctx.user.workspaceId, input.agentId);
    await tx.update(agents).set({ callsPerMinute: input.callsPerMinute }).where(eq(agents.id, agent.id));
    await recordAudit(tx, {
      workspaceId: ctx.user.workspaceId,
      actorType: "user",
      actorId: ctx.user.id,
      action: "agent.rate_limit_changed",
      subjectType: "agent",
      subjectId: agent.id,
      data: { callsPerMinute: input.callsPerMinute },
    });
  });
}

/**
 * Sets (or, with null, removes) how many calls of one tool an agent may make per hour. The tool must
 * be of this workspace.
 */
export async function setAgentToolLimit(
  ctx: UserContext,
  input: { agentId: string; toolId: string; callsPerHour: number | null },
): Promise<void> {
  const workspaceId = ctx.user.workspaceId;
  await ctx.db.transaction(async (tx) => {
    const agent = await loadAgent(tx, workspaceId, input.agentId);
    const [tool] = await tx
      .select({ id: tools.id, name: tools.name })
      .from(tools)
      .where(and(eq(tools.id, input.toolId), eq(tools.workspaceId, workspaceId)));
    if (!tool) throw new ServiceError("not_found", "No such tool in this workspace.");
    if (input.callsPerHour === null) {
      await tx.delete(agentToolLimits).where(and(eq(agentToolLimits.agentId, agent.id), eq(agentToolLimits.toolId, tool.id)));
    } else {
      await tx
        .insert(agentToolLimits)
        .values({ agentId: agent.id, toolId: tool.id, workspaceId, callsPerHour: input.callsPerHour })
        .onConflictDoUpdate({
          target: [agentToolLimits.agentId, agentToolLimits.toolId],
          set: { callsPerHour: input.callsPerHour, updatedAt: new Date() },
        });
    }
    await recordAudit(tx, {
      workspaceId,
      actorType: "user",
      actorId: ctx.user.id,
      action: "agent.tool_limit_changed",
      subjectType: "agent",
      subjectId: agent.id,
      data: { toolId: tool.id, tool: tool.name, callsPerHour: input.callsPerHour },
    });
  });
}

/** The per-tool limits of these agents (of the caller's workspace), with each tool's integration and name. */
export async function listAgentToolLimits(ctx: UserContext, agentIds: string[]) {
  return ctx.db
    .select({
      agentId: agentToolLimits.agentId,
      toolId: agentToolLimits.toolId,
      toolName: tools.name,
      integration: integrations.slug,
      callsPerHour: agentToolLimits.callsPerHour,
    })
    .from(agentToolLimits)
    .innerJoin(tools, eq(tools.id, agentToolLimits.toolId))
    .innerJoin(integrations, eq(integrations.id, tools.integrationId))
    .where(and(eq(agentToolLimits.workspaceId, ctx.user.workspaceId), inArray(agentToolLimits.agentId, agentIds)))
    .orderBy(asc(integrations.slug), asc(tools.name));
}

/** The workspace's tools (not removed upstream) that a per-tool limit can name, for the Agents page. */
export async function listLimitableTools(ctx: UserContext) {
  return ctx.db
    .select({ id: tools.id, name: tools.name, integration: integrations.slug })
    .from(tools)
    .innerJoin(integrations, eq(integrations.id, tools.integrationId))
    .where(and(eq(tools.workspaceId, ctx.user.workspaceId), isNull(tools.removedAt)))
    .orderBy(asc(integrations.slug), asc(tools.name))
    .limit(5_000);
}
