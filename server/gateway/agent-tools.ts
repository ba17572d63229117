import { and, asc, eq, isNull, or, sql } from "drizzle-orm";
import type { Executor } from "@/db";
import { agentClients, integrations, tools, type ToolPolicy } from "@/db/schema";
import { effectivePolicy } from "../policy/effective-policy";

export type AgentScope = { id: string; workspaceId: string; allClients: boolean; mspWide: boolean };

export type AgentTool = {
  integration: string;
  name: string;
  title: string | null;
  description: string;
  inputSchema: Record<string, unknown>;
  annotations: Record<string, unknown>;
  policy: Exclude<ToolPolicy, "disabled">;
  managerApproval: boolean;
};

/**
 * The tools an agent may use right now, derived from the stored policies on every call (no cache:
 * a save applies to the very next request). Disabled, removed, flagged-as-hidden and paused tools
 * never appear; integrations of clients outside the agent's scope do not exist for it.
 */
export async function listToolsForAgent(db: Executor, agent: AgentScope): Promise<AgentTool[]> {
  const inScope = or(
    agent.mspWide ? isNull(integrations.clientId) : sql`false`,
    agent.allClients
      ? sql`${integrations.clientId} is not null`
      : sql`${integrations.clientId} in (select ${agentClients.clientId} from ${agentClients} where ${agentClients.agentId} = ${agent.id})`,
  );
  const rows = await db
    .select({
      integration: integrations.slug,
      integrationStatus: integrations.status,
      name: tools.name,
      title: tools.title,
      description: tools.description,
      inputSchema: tools.inputSchema,
      annotations: tools.annotations,
      policy: tools.policy,
      managerApproval: tools.managerApproval,
      flaggedAt: tools.flaggedAt,
      removedAt: tools.removedAt,
    })
    .from(tools)
    .innerJoin(integrations, eq(integrations.id, tools.integrationId))
    .where(and(eq(tools.workspaceId, agent.workspaceId), eq(integrations.status, "active"), isNull(tools.removedAt), inScope))
    .orderBy(asc(integrations.slug), asc(tools.name));
  const out: AgentTool[] = [];
  for (const row of rows) {
    const policy = effectivePolicy(row);
    if (policy === "hidden" || policy === "disabled") continue;
    out.push({
      integration: row.integration,
      name: row.name,
      title: row.title,
      description: row.description,
      inputSchema: row.inputSchema,
      annotations: row.annotations as Record<string, unknown>,
      policy,
      managerApproval: policy === "approval_needed" && row.managerApproval,
    });
  }
  return out;
}
