import type { DatabaseHandle } from "@/db";
import type { IntegrationConfig, IntegrationKind, IntegrationStatus, ToolPolicy } from "@/db/schema";
import type { DecisionInput } from "../policy/decide";
import { IN_AGENT_SCOPE_SQL } from "./agent-scope-sql";

/** Everything one call needs to be decided and executed, from one round trip. */
export type ResolvedCall = {
  keyId: string;
  keyPrefix: string;
  keyRevoked: boolean;
  keyRetired: boolean;
  keyLastUsedAt: Date | null;
  agentId: string;
  agentPaused: boolean;
  agentHasWebhook: boolean;
  workspaceId: string;
  workspaceAgentsPaused: boolean;
  approvalExpirySeconds: number;
  maxPendingApprovals: number;
  integration: null | {
    id: string;
    slug: string;
    kind: IntegrationKind;
    status: IntegrationStatus;
    clientId: string | null;
    inAgentScope: boolean;
    config: IntegrationConfig;
    secretCiphertext: string | null;
  };
  tool: null | {
    id: string;
    name: string;
    title: string | null;
    policy: ToolPolicy;
    managerApproval: boolean;
    flagged: boolean;
    removed: boolean;
    inputSchema: Record<string, unknown>;
    definitionHash: string;
    hasOutputSchema: boolean;
    /** Its result is returned once to the agent and stored redacted. */
    sensitiveResult: boolean;
  };
};

type Row = Record<string, unknown>;
const asDate = (value: unknown) => (value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value)));
const asJson = <T>(value: unknown): T => (typeof value === "string" ? (JSON.parse(value) as T) : (value as T));

const RESOLVED_COLUMNS = `
    select k.id as key_id, k.prefix as key_prefix, k.revoked_at, k.retired_at, k.last_used_at,
           a.id as agent_id, a.paused as agent_paused, a.webhook_url is not null as agent_has_webhook, a.workspace_id,
           w.agents_paused, w.approval_expiry_seconds, w.max_pending_approvals_per_agent,
           i.id as integration_id, i.slug as integration_slug, i.kind, i.status, i.client_id, i.config, i.secret_ciphertext,
           ${IN_AGENT_SCOPE_SQL} as in_agent_scope,
           t.id as tool_id, t.name as tool_name, t.title as tool_title, t.policy, t.manager_approval, t.flagged_at, t.removed_at,
           t.input_schema, t.definition_hash, t.output_schema is not null as has_output_schema, t.sensitive_result
    from agent_keys k
    join agents a on a.id = k.agent_id
    join workspaces w on w.id = a.workspace_id`;

/** By integration slug and tool name (REST). */
const RESOLVE_CALL_SQL = `${RESOLVED_COLUMNS}
    left join integrations i on i.workspace_id = a.workspace_id and i.slug = $2
    left join tools t on t.integration_id = i.id and t.name = $3
    where k.key_hash = $1
    limit 1`;

/**
 * By the tool's stored MCP name (MCP): the same read, keyed differently. A name no tool holds still
 * names its integration by the prefix before `__`, so a paused integration answers
 * `integration_paused` here as it does over REST (the decision's order: integration before tool).
 */
const RESOLVE_MCP_CALL_SQL = `${RESOLVED_COLUMNS}
    left join tools t on t.workspace_id = a.workspace_id and t.mcp_name = $2
    left join integrations i on i.id = coalesce(t.integration_id, (
      select named.id from integrations named
      where named.workspace_id = a.workspace_id and coalesce(named.mcp_prefix, named.slug) = split_part($2, '__', 1)
      limit 1))
    where k.key_hash = $1
    limit 1`;

/**
 * The gateway's one read before the upstream call: key, agent, workspace switches, the integration
 * (with whether it is in the agent's client scope) and the tool with its policy. One prepared
 * statement; null when no key has this hash.
 */
export async function resolveCall(
  handle: DatabaseHandle,
  keyHash: string,
  integrationSlug: string | null,
  toolName: string | null,
): Promise<ResolvedCall | null> {
  return resolvedOf((await handle.query<Row>(RESOLVE_CALL_SQL, [keyHash, integrationSlug, toolName]))[0]);
}

/** The same one read for an MCP `tools/call`, by the tool's stored MCP name. */
export async function resolveMcpCall(handle: DatabaseHandle, keyHash: string, mcpName: string): Promise<ResolvedCall | null> {
  return resolvedOf((await handle.query<Row>(RESOLVE_MCP_CALL_SQL, [keyHash, mcpName]))[0]);
}

function resolvedOf(row: Row | undefined): ResolvedCall | null {
  if (!row) return null;
  return {
    keyId: String(row.key_id),
    keyPrefix: String(row.key_prefix),
    keyRevoked: row.revoked_at !== null && row.revoked_at !== undefined,
    keyRetired: row.retired_at !== null && row.retired_at !== undefined,
    keyLastUsedAt: asDate(row.last_used_at),
    agentId: String(row.agent_id),
    agentPaused: Boolean(row.agent_paused),
    agentHasWebhook: Boolean(row.agent_has_webhook),
    workspaceId: String(row.workspace_id),
    workspaceAgentsPaused: Boolean(row.agents_paused),
    approvalExpirySeconds: Number(row.approval_expiry_seconds),
    maxPendingApprovals: Number(row.max_pending_approvals_per_agent),
    integration: row.integration_id
      ? {
          id: String(row.integration_id),
          slug: String(row.integration_slug),
          kind: row.kind as IntegrationKind,
          status: row.status as IntegrationStatus,
          clientId: (row.client_id as string | null) ?? null,
          inAgentScope: Boolean(row.in_agent_scope),
          config: asJson<IntegrationConfig>(row.config),
          secretCiphertext: (row.secret_ciphertext as string | null) ?? null,
        }
      : null,
    tool: row.tool_id
      ? {
          id: String(row.tool_id),
          name: String(row.tool_name),
          title: (row.tool_title as string | null) ?? null,
          policy: row.policy as ToolPolicy,
          managerApproval: Boolean(row.manager_approval),
          flagged: row.flagged_at !== null && row.flagged_at !== undefined,
          removed: row.removed_at !== null && row.removed_at !== undefined,
          inputSchema: asJson<Record<string, unknown>>(row.input_schema),
          definitionHash: String(row.definition_hash),
          hasOutputSchema: Boolean(row.has_output_schema),
          sensitiveResult: Boolean(row.sensitive_result),
        }
      : null,
  };
}

/** The decision's input for a new call, from the one read. */
export function decisionInputOf(resolved: ResolvedCall): DecisionInput {
  return {
    workspace: { agentsPaused: resolved.workspaceAgentsPaused },
    agent: { paused: resolved.agentPaused },
    key: { retired: resolved.keyRetired, revoked: resolved.keyRevoked },
    integration: resolved.integration && { status: resolved.integration.status, inAgentScope: resolved.integration.inAgentScope },
    tool: resolved.tool && {
      policy: resolved.tool.policy,
      managerApproval: resolved.tool.managerApproval,
      flagged: resolved.tool.flagged,
      removed: resolved.tool.removed,
      definitionHash: resolved.tool.definitionHash,
    },
  };
}
