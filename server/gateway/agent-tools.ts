import { sql } from "drizzle-orm";
import type { Executor } from "@/db";
import { rowsOf } from "@/db/results";
import type { IntegrationStatus, ToolPolicy } from "@/db/schema";
import { decide } from "../policy/decide";
import { IN_AGENT_SCOPE_SQL } from "./agent-scope-sql";

export type AgentScope = { id: string; workspaceId: string };

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

type Row = {
  integration: string;
  integration_status: IntegrationStatus;
  in_agent_scope: boolean;
  agents_paused: boolean;
  agent_paused: boolean;
  name: string;
  title: string | null;
  description: string;
  input_schema: Record<string, unknown> | string;
  annotations: Record<string, unknown> | string;
  policy: ToolPolicy;
  manager_approval: boolean;
  flagged: boolean;
  removed: boolean;
  definition_hash: string;
};

const asJson = <T>(value: T | string): T => (typeof value === "string" ? (JSON.parse(value) as T) : value);

/**
 * The tools an agent may use right now: every tool of its workspace through the one decision, with
 * fresh state on every request (no cache: a save applies to the very next request), keeping those
 * the decision does not refuse. The caller has authenticated the agent's key.
 */
export async function listToolsForAgent(db: Executor, agent: AgentScope): Promise<AgentTool[]> {
  const rows = rowsOf<Row>(
    await db.execute(sql`
      select i.slug as integration, i.status as integration_status, ${sql.raw(IN_AGENT_SCOPE_SQL)} as in_agent_scope,
             w.agents_paused, a.paused as agent_paused,
             t.name, t.title, t.description, t.input_schema, t.annotations, t.policy, t.manager_approval,
             t.flagged_at is not null as flagged, t.removed_at is not null as removed, t.definition_hash
      from agents a
      join workspaces w on w.id = a.workspace_id
      join tools t on t.workspace_id = a.workspace_id
      join integrations i on i.id = t.integration_id
      where a.id = ${agent.id} and a.workspace_id = ${agent.workspaceId}
      order by i.slug, t.name`),
  );
  const out: AgentTool[] = [];
  for (const row of rows) {
    const decision = decide({
      workspace: { agentsPaused: Boolean(row.agents_paused) },
      agent: { paused: Boolean(row.agent_paused) },
      key: { retired: false, revoked: false },
      integration: { status: row.integration_status, inAgentScope: Boolean(row.in_agent_scope) },
      tool: {
        policy: row.policy,
        managerApproval: Boolean(row.manager_approval),
        flagged: Boolean(row.flagged),
        removed: Boolean(row.removed),
        definitionHash: row.definition_hash,
      },
    });
    if (decision.kind === "reject") continue;
    out.push({
      integration: row.integration,
      name: row.name,
      title: row.title,
      description: row.description,
      inputSchema: asJson(row.input_schema),
      annotations: asJson(row.annotations),
      policy: decision.kind === "execute" ? "auto" : "approval_needed",
      managerApproval: decision.kind === "await_approval" && decision.approvals.includes("manager"),
    });
  }
  return out;
}
