import { sql } from "drizzle-orm";
import type { Executor } from "@/db";
import { rowsOf } from "@/db/results";
import type { IntegrationStatus, ToolAnnotations, ToolPolicy } from "@/db/schema";
import { classifiedReadOnly } from "../policy/classify";
import { decide } from "../policy/decide";
import { rulesFromStorage } from "../policy/rules";
import { IN_AGENT_SCOPE_SQL } from "./agent-scope-sql";

export type AgentScope = { id: string; workspaceId: string };

export type AgentTool = {
  integration: string;
  name: string;
  /** Its name for MCP clients (stored when the tool was synced). */
  mcpName: string;
  title: string | null;
  description: string;
  inputSchema: Record<string, unknown>;
  /** Only for a tool that runs at once: a result that waits or is refused would not match it. */
  outputSchema: Record<string, unknown> | null;
  /** MCP annotations that agree with Toolgate's classification and the tool's policy. */
  annotations: ToolAnnotations;
  policy: Exclude<ToolPolicy, "disabled">;
  managerApproval: boolean;
};

type Row = {
  integration: string;
  integration_status: IntegrationStatus;
  in_agent_scope: boolean;
  agents_paused: boolean;
  agent_paused: boolean;
  agent_plan_mode: boolean;
  name: string;
  mcp_name: string | null;
  title: string | null;
  description: string;
  input_schema: Record<string, unknown> | string;
  output_schema: Record<string, unknown> | string | null;
  annotations: ToolAnnotations | string;
  policy: ToolPolicy;
  seeded_policy: ToolPolicy;
  manager_approval: boolean;
  technician_approvals: number;
  flagged: boolean;
  removed: boolean;
  definition_hash: string;
  rules: unknown;
};

const asJson = <T>(value: T | string): T => (typeof value === "string" ? (JSON.parse(value) as T) : value);

/**
 * What Toolgate tells agents about a tool's effects: the upstream's hints, except that a tool is
 * never "read-only" unless Toolgate classified it as a read and it runs without approval — an
 * untrusted upstream cannot make a write look harmless. A tool classified as a write is
 * destructive unless the upstream says otherwise.
 */
export function truthfulAnnotations(
  upstream: ToolAnnotations,
  toolgate: { classifiedRead: boolean; runsAtOnce: boolean },
): ToolAnnotations {
  const { readOnlyHint, destructiveHint, ...rest } = upstream;
  const readOnly = readOnlyHint === true && toolgate.classifiedRead && toolgate.runsAtOnce;
  return {
    ...rest,
    readOnlyHint: readOnly,
    ...(readOnly ? {} : { destructiveHint: destructiveHint ?? !toolgate.classifiedRead }),
  };
}

/**
 * The tools an agent may use right now: every tool of its workspace through the one decision, with
 * fresh state on every request (no cache: a save applies to the very next request), keeping those
 * the decision does not refuse — in plan mode (the agent's, or this request's `Toolgate-Mode: plan`),
 * only those it may call there. Rate limits hide nothing: they are counted per call, not listed.
 * The caller has authenticated the agent's key.
 */
export async function listToolsForAgent(db: Executor, agent: AgentScope, request: { mode?: "plan" | null } = {}): Promise<AgentTool[]> {
  const rows = rowsOf<Row>(
    await db.execute(sql`
      select i.slug as integration, i.status as integration_status, ${sql.raw(IN_AGENT_SCOPE_SQL)} as in_agent_scope,
             w.agents_paused, a.paused as agent_paused, a.plan_mode as agent_plan_mode,
             t.name, t.mcp_name, t.title, t.description, t.input_schema, t.output_schema, t.annotations, t.policy, t.seeded_policy,
             t.manager_approval, t.technician_approvals,
             t.flagged_at is not null as flagged, t.removed_at is not null as removed, t.definition_hash, t.rules
      from agents a
      join workspaces w on w.id = a.workspace_id
      join tools t on t.workspace_id = a.workspace_id
      join integrations i on i.id = t.integration_id
      where a.id = ${agent.id} and a.workspace_id = ${agent.workspaceId}
      order by i.slug, t.name`),
  );
  const out: AgentTool[] = [];
  for (const row of rows) {
    // No call is at hand: with arguments unknown, a tool is listed unless every path disables it.
    const decision = decide({
      arguments: null,
      workspace: { agentsPaused: Boolean(row.agents_paused) },
      agent: { paused: Boolean(row.agent_paused) },
      key: { retired: false, revoked: false },
      planMode: row.agent_plan_mode ? "agent" : request.mode === "plan" ? "request" : null,
      limits: null,
      integration: { status: row.integration_status, inAgentScope: Boolean(row.in_agent_scope) },
      tool: {
        policy: row.policy,
        managerApproval: Boolean(row.manager_approval),
        technicianApprovals: Number(row.technician_approvals),
        flagged: Boolean(row.flagged),
        removed: Boolean(row.removed),
        definitionHash: row.definition_hash,
        readOnly: classifiedReadOnly(row.seeded_policy),
        rules: rulesFromStorage(row.rules),
      },
    });
    if (decision.kind === "reject" || !row.mcp_name) continue;
    const runsAtOnce = decision.kind === "execute";
    out.push({
      integration: row.integration,
      name: row.name,
      mcpName: row.mcp_name,
      title: row.title,
      description: row.description,
      inputSchema: asJson(row.input_schema),
      outputSchema: runsAtOnce && row.output_schema ? asJson(row.output_schema) : null,
      annotations: truthfulAnnotations(asJson(row.annotations), { classifiedRead: classifiedReadOnly(row.seeded_policy), runsAtOnce }),
      policy: runsAtOnce ? "auto" : "approval_needed",
      managerApproval: decision.kind === "await_approval" && decision.approvals.includes("manager"),
    });
  }
  return out;
}
