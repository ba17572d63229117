import { sql } from "drizzle-orm";
import type { Executor } from "@/db";
import { rowsOf } from "@/db/results";
import type { ApprovalKind, CallStatus, IntegrationStatus, ToolPolicy } from "@/db/schema";
import { IN_AGENT_SCOPE_SQL } from "../gateway/agent-scope-sql";
import { classifiedReadOnly } from "./classify";
import { decide, type Decision, type DecisionInput } from "./decide";
import { rulesFromStorage } from "./rules";

export type OpenCall = { id: string; workspaceId: string; agentId: string; clientId: string | null; status: CallStatus };
export type OpenCallDecision = { call: OpenCall; decision: Decision };

type Row = {
  id: string;
  workspace_id: string;
  agent_id: string;
  client_id: string | null;
  status: CallStatus;
  tool_definition_hash: string | null;
  agents_paused: boolean;
  agent_paused: boolean;
  agent_plan_mode: boolean;
  seeded_policy: ToolPolicy | null;
  key_id: string | null;
  key_retired: boolean;
  key_revoked: boolean;
  integration_status: IntegrationStatus | null;
  in_agent_scope: boolean | null;
  tool_id: string | null;
  policy: ToolPolicy | null;
  manager_approval: boolean | null;
  technician_approvals: number | null;
  technicians_asked: number | null;
  flagged: boolean | null;
  removed: boolean | null;
  definition_hash: string | null;
  rules: unknown;
  arguments: Record<string, unknown> | string;
  approvals: ApprovalKind[] | string;
};

const OPEN_CALLS_SQL = (where: ReturnType<typeof sql>) => sql`
  select c.id, c.workspace_id, c.agent_id, c.client_id, c.status, c.tool_definition_hash, c.arguments,
         w.agents_paused, a.paused as agent_paused, a.plan_mode as agent_plan_mode, t.seeded_policy,
         k.id as key_id, k.retired_at is not null as key_retired, k.revoked_at is not null as key_revoked,
         i.status as integration_status, ${sql.raw(IN_AGENT_SCOPE_SQL)} as in_agent_scope,
         t.id as tool_id, t.policy, t.manager_approval, t.technician_approvals, t.flagged_at is not null as flagged, t.removed_at is not null as removed,
         t.definition_hash, t.rules,
         coalesce((select jsonb_agg(r.kind order by r.kind) from approval_requests r where r.call_id = c.id), '[]'::jsonb) as approvals,
         coalesce((select r.required_approvals from approval_requests r where r.call_id = c.id and r.kind = 'technician'), 0) as technicians_asked
  from tool_calls c
  join workspaces w on w.id = c.workspace_id
  join agents a on a.id = c.agent_id
  left join agent_keys k on k.id = c.agent_key_id
  left join integrations i on i.id = c.integration_id
  left join tools t on t.id = c.tool_id
  where ${where}`;

/** The decision's input for a call already made, from one row of `OPEN_CALLS_SQL`. */
function decisionInputOf(row: Row): DecisionInput {
  const approvals = (typeof row.approvals === "string" ? JSON.parse(row.approvals) : row.approvals) as ApprovalKind[];
  return {
    // The stored arguments, which are the ones that run: the same rules give the same answer
    // unless a policy changed meanwhile.
    arguments: (typeof row.arguments === "string" ? JSON.parse(row.arguments) : row.arguments) as Record<string, unknown>,
    workspace: { agentsPaused: Boolean(row.agents_paused) },
    agent: { paused: Boolean(row.agent_paused) },
    // The agent's plan mode holds calls already made too; they were counted against limits when made.
    planMode: row.agent_plan_mode ? "agent" : null,
    limits: null,
    key: row.key_id ? { retired: Boolean(row.key_retired), revoked: Boolean(row.key_revoked) } : null,
    integration: row.integration_status ? { status: row.integration_status, inAgentScope: Boolean(row.in_agent_scope) } : null,
    tool:
      row.tool_id && row.policy && row.definition_hash && row.seeded_policy && row.technician_approvals !== null
        ? {
            readOnly: classifiedReadOnly(row.seeded_policy),
            policy: row.policy,
            managerApproval: Boolean(row.manager_approval),
            technicianApprovals: Number(row.technician_approvals),
            flagged: Boolean(row.flagged),
            removed: Boolean(row.removed),
            definitionHash: row.definition_hash,
            rules: rulesFromStorage(row.rules),
          }
        : null,
    call: { approvals, definitionHash: row.tool_definition_hash, technicianApprovals: Number(row.technicians_asked ?? 0) },
  };
}

function toDecisions(rows: Row[]): OpenCallDecision[] {
  return rows.map((row) => ({
    call: { id: row.id, workspaceId: row.workspace_id, agentId: row.agent_id, clientId: row.client_id, status: row.status },
    decision: decide(decisionInputOf(row)),
  }));
}

/**
 * The one decision for one call already made, from fresh state read in one query (the approval
 * being given, the moment before execution). Null for an unknown call.
 */
export async function decideCallAlreadyMade(db: Executor, workspaceId: string, callId: string): Promise<OpenCallDecision | null> {
  const rows = rowsOf<Row>(await db.execute(OPEN_CALLS_SQL(sql`c.workspace_id = ${workspaceId} and c.id = ${callId}`)));
  return toDecisions(rows)[0] ?? null;
}

/**
 * The one decision for every call of a workspace still waiting for approval or approved but not yet
 * running: what a change to pauses, keys, scopes, integrations or policies must re-check.
 */
export async function decideOpenCalls(db: Executor, workspaceId: string): Promise<OpenCallDecision[]> {
  const rows = rowsOf<Row>(
    await db.execute(OPEN_CALLS_SQL(sql`c.workspace_id = ${workspaceId} and c.status in ('pending_approval', 'approved')`)),
  );
  return toDecisions(rows);
}
