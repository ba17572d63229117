import type { DatabaseHandle } from "@/db";
import type { IntegrationConfig, IntegrationKind, IntegrationStatus, ToolPolicy } from "@/db/schema";
import { classifiedReadOnly } from "../policy/classify";
import type { DecisionInput, RateWindow } from "../policy/decide";
import type { GrantCandidate, GrantedCallFacts } from "../policy/grant-match";
import { rulesFromStorage, type PolicyRule } from "../policy/rules";
import { IN_AGENT_SCOPE_SQL } from "./agent-scope-sql";
import { callRowsOf, insertCallsFrom } from "./record-call";

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
  agentPlanMode: boolean;
  /** The agent's rate limits with this call's number in their current windows (it counted itself). */
  limits: DecisionInput["limits"];
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
    technicianApprovals: number;
    flagged: boolean;
    removed: boolean;
    inputSchema: Record<string, unknown>;
    definitionHash: string;
    hasOutputSchema: boolean;
    /** Its result is returned once to the agent and stored redacted. */
    sensitiveResult: boolean;
    /** Seeding classified it as a read. */
    readOnly: boolean;
    /** Its conditions on arguments (read in the same query: the decision evaluates them on the call's arguments). */
    rules: readonly PolicyRule[];
  };
  /** The agent's active standing grants on this tool (unexpired, unrevoked), newest first. */
  grants: GrantCandidate[];
};

type Row = Record<string, unknown>;
const asDate = (value: unknown) => (value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value)));
const asJson = <T>(value: unknown): T => (typeof value === "string" ? (JSON.parse(value) as T) : (value as T));

/**
 * The agent's active standing grants on the tool, inside the one read: an index lookup by agent and
 * tool (tool_grants_agent_id_tool_id_idx), unexpired and unrevoked, read fresh — a revocation
 * applies to the very next call. At most a few; the decision matches them (policy/grant-match.ts).
 */
const ACTIVE_GRANTS_SQL = `(
    select coalesce(jsonb_agg(jsonb_build_object('id', g.id, 'pinnedArguments', g.pinned_arguments,
             'unpinnedArguments', g.unpinned_arguments, 'requesterEmail', g.requester_email, 'approvals', g.approvals,
             'approvedBy', g.approved_by, 'policyFingerprint', g.policy_fingerprint)), '[]'::jsonb)
    from (select * from tool_grants g
          where g.agent_id = a.id and g.tool_id = t.id and g.workspace_id = a.workspace_id
            and g.client_id is not distinct from i.client_id and g.revoked_at is null and g.expires_at > now()
          order by g.created_at desc limit 20) g)`;

const RESOLVED_COLUMNS = `
    select k.id as key_id, k.prefix as key_prefix, k.revoked_at, k.retired_at,
           a.id as agent_id, a.paused as agent_paused, a.webhook_url is not null as agent_has_webhook, a.workspace_id,
           a.plan_mode as agent_plan_mode, a.calls_per_minute,
           w.agents_paused, w.approval_expiry_seconds, w.max_pending_approvals_per_agent,
           i.id as integration_id, i.slug as integration_slug, i.kind, i.status, i.client_id, i.config, i.secret_ciphertext,
           ${IN_AGENT_SCOPE_SQL} as in_agent_scope,
           t.id as tool_id, t.name as tool_name, t.title as tool_title, t.policy, t.manager_approval, t.rules, t.technician_approvals,
           t.flagged_at, t.removed_at,
           t.input_schema, t.definition_hash, t.output_schema is not null as has_output_schema, t.sensitive_result, t.seeded_policy,
           l.calls_per_hour as tool_calls_per_hour,
           ${ACTIVE_GRANTS_SQL} as grants
    from agent_keys k
    join agents a on a.id = k.agent_id
    join workspaces w on w.id = a.workspace_id`;

/**
 * Wraps the read so the same statement counts the call against the agent's rate limits: one row per
 * limited agent (and agent+tool) holding its current fixed window, bumped by an atomic upsert. Row
 * locks serialise concurrent calls on every instance, so each gets its own number in the window
 * (the decision compares it with the limit). Every call made with a valid key counts, refused or
 * not — a looping agent's refused calls are calls too; nothing is written for an agent without limits.
 * A straggler whose clock reads the previous window counts into the newer one, never resets it.
 *
 * The read also returns its `fingerprint`: a digest of every column it read (the counters and the
 * key's last use aside).
 * With `record` (the placeholders of a started call's row and of a fingerprint), the same statement
 * inserts that row only if the fresh read's fingerprint is the one given — the state the caller
 * decided on (see call-prediction.ts) — and says whether it did.
 */
const counted = (read: string, record?: { row: string; fingerprint: string }) => `
    with r as (${read}),
    agent_count as (
      insert into rate_limit_counters as c (agent_id, scope, workspace_id, window_start, count)
      select agent_id, 'agent', workspace_id, to_timestamp(floor(extract(epoch from now()) / 60) * 60), 1
      from r where calls_per_minute is not null and revoked_at is null and retired_at is null
      on conflict (agent_id, scope) do update
        set count = case when c.window_start >= excluded.window_start then c.count + 1 else 1 end,
            window_start = greatest(c.window_start, excluded.window_start)
      returning count
    ),
    tool_count as (
      insert into rate_limit_counters as c (agent_id, scope, workspace_id, window_start, count)
      select agent_id, tool_id, workspace_id, to_timestamp(floor(extract(epoch from now()) / 3600) * 3600), 1
      from r where tool_calls_per_hour is not null and revoked_at is null and retired_at is null
      on conflict (agent_id, scope) do update
        set count = case when c.window_start >= excluded.window_start then c.count + 1 else 1 end,
            window_start = greatest(c.window_start, excluded.window_start)
      returning count
    )${
      record
        ? `,
    recorded as (${insertCallsFrom(callRowsOf(record.row), `(select md5(r::text) from r) = ${record.fingerprint}`)})`
        : ""
    }
    select r.*, md5(r::text) as fingerprint,
           -- Outside the fingerprinted row: it changes once a minute, and no decision reads it.
           (select last_used_at from agent_keys where id = r.key_id) as last_used_at, ${record ? "(select count(*) from recorded)" : "0"} as recorded,
           (select count from agent_count) as agent_window_count, (select count from tool_count) as tool_window_count,
           60 - mod(extract(epoch from now())::numeric, 60) as agent_window_left,
           3600 - mod(extract(epoch from now())::numeric, 3600) as tool_window_left
    from r`;

/** By integration slug and tool name (REST). */
const REST_READ = `${RESOLVED_COLUMNS}
    left join integrations i on i.workspace_id = a.workspace_id and i.slug = $2
    left join tools t on t.integration_id = i.id and t.name = $3
    left join agent_tool_limits l on l.agent_id = a.id and l.tool_id = t.id
    where k.key_hash = $1
    limit 1`;

/**
 * By the tool's stored MCP name (MCP): the same read, keyed differently. A name no tool holds still
 * names its integration by the prefix before `__`, so a paused integration answers
 * `integration_paused` here as it does over REST (the decision's order: integration before tool).
 */
const MCP_READ = `${RESOLVED_COLUMNS}
    left join tools t on t.workspace_id = a.workspace_id and t.mcp_name = $2
    left join integrations i on i.id = coalesce(t.integration_id, (
      select named.id from integrations named
      where named.workspace_id = a.workspace_id and coalesce(named.mcp_prefix, named.slug) = split_part($2, '__', 1)
      limit 1))
    left join agent_tool_limits l on l.agent_id = a.id and l.tool_id = t.id
    where k.key_hash = $1
    limit 1`;

const READ_SQL = {
  rest: { read: counted(REST_READ), record: counted(REST_READ, { row: "$4", fingerprint: "$5" }) },
  mcp: { read: counted(MCP_READ), record: counted(MCP_READ, { row: "$3", fingerprint: "$4" }) },
};

/** How a call names its tool: integration slug and tool name (REST), or the tool's stored MCP name. */
export type CallLookup = { kind: "rest"; integration: string | null; tool: string | null } | { kind: "mcp"; name: string };

/** The one read of a call: what it resolved, the fingerprint of what it read, and whether it recorded the given row. */
export type CallRead = { resolved: ResolvedCall | null; fingerprint: string | null; recorded: boolean };

/**
 * The gateway's one read before the upstream call: key, agent, workspace switches, the integration
 * (with whether it is in the agent's client scope) and the tool with its policy. One prepared
 * statement; `resolved` is null when no key has this hash. With `record`, the statement also
 * records that started call, on the condition above.
 */
export async function readCall(
  handle: DatabaseHandle,
  keyHash: string,
  lookup: CallLookup,
  record?: { row: Record<string, unknown>; fingerprint: string },
): Promise<CallRead> {
  const names = lookup.kind === "rest" ? [lookup.integration, lookup.tool] : [lookup.name];
  const sql = READ_SQL[lookup.kind][record ? "record" : "read"];
  const params = record ? [keyHash, ...names, JSON.stringify([record.row]), record.fingerprint] : [keyHash, ...names];
  const row = (await handle.query<Row>(sql, params))[0];
  return { resolved: resolvedOf(row), fingerprint: row ? String(row.fingerprint) : null, recorded: Number(row?.recorded ?? 0) > 0 };
}

/** A limit's window as the decision reads it: the calls before this one (the read counted this call too). */
function windowOf(limit: unknown, countWithThisCall: unknown, secondsLeft: unknown): RateWindow | null {
  if (limit === null || limit === undefined || countWithThisCall === null || countWithThisCall === undefined) return null;
  return { limit: Number(limit), used: Number(countWithThisCall) - 1, resetsInSeconds: Number(secondsLeft) };
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
    agentPlanMode: Boolean(row.agent_plan_mode),
    limits: {
      agentPerMinute: windowOf(row.calls_per_minute, row.agent_window_count, row.agent_window_left),
      toolPerHour: windowOf(row.tool_calls_per_hour, row.tool_window_count, row.tool_window_left),
    },
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
          technicianApprovals: Number(row.technician_approvals),
          flagged: row.flagged_at !== null && row.flagged_at !== undefined,
          removed: row.removed_at !== null && row.removed_at !== undefined,
          inputSchema: asJson<Record<string, unknown>>(row.input_schema),
          definitionHash: String(row.definition_hash),
          hasOutputSchema: Boolean(row.has_output_schema),
          sensitiveResult: Boolean(row.sensitive_result),
          readOnly: classifiedReadOnly(row.seeded_policy as ToolPolicy),
          rules: rulesFromStorage(row.rules),
        }
      : null,
    grants: row.tool_id ? (asJson<GrantCandidate[] | null>(row.grants) ?? []) : [],
  };
}

/**
 * The decision's input for a new call, from the one read, the call's arguments (and the request's
 * `Toolgate-Mode`); with the call's facts (arguments and requester), its standing grants are matched too.
 */
export function decisionInputOf(
  resolved: ResolvedCall,
  args: Record<string, unknown>,
  requestMode: "plan" | null = null,
  call?: GrantedCallFacts,
): DecisionInput {
  return {
    arguments: args,
    ...(call && resolved.grants.length ? { grants: { ...call, candidates: resolved.grants } } : {}),
    planMode: resolved.agentPlanMode ? "agent" : requestMode === "plan" ? "request" : null,
    limits: resolved.limits,
    workspace: { agentsPaused: resolved.workspaceAgentsPaused },
    agent: { paused: resolved.agentPaused },
    key: { retired: resolved.keyRetired, revoked: resolved.keyRevoked },
    integration: resolved.integration && { status: resolved.integration.status, inAgentScope: resolved.integration.inAgentScope },
    tool: resolved.tool && {
      policy: resolved.tool.policy,
      managerApproval: resolved.tool.managerApproval,
      technicianApprovals: resolved.tool.technicianApprovals,
      flagged: resolved.tool.flagged,
      removed: resolved.tool.removed,
      definitionHash: resolved.tool.definitionHash,
      readOnly: resolved.tool.readOnly,
      rules: resolved.tool.rules,
    },
  };
}
