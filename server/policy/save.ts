import { and, desc, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import { integrations, toolPolicyChanges, tools, users, type ToolPolicy } from "@/db/schema";
import { recordAudit } from "../audit/record";
import { markBaselineOverrides } from "../baselines/apply";
import type { UserContext } from "../context";
import { ServiceError } from "../errors";
import { recordAccessChange } from "../integrations/toolset-version";
import { loadIntegration } from "../integrations/load";
import { rulesFromStorage, validateRules, type PolicyRule } from "./rules";

/**
 * One tool's new policy. `rules` replaces its rules, and `technicianApprovals` (the two-person rule:
 * 1, 2 or 3 distinct technicians) its count; either is left as it is when not given.
 */
export type PolicyChange = {
  toolId: string;
  policy: ToolPolicy;
  managerApproval: boolean;
  rules?: PolicyRule[];
  technicianApprovals?: number;
};
export type SaveSource = "save" | "restore_default" | "copy";
export type SaveResult = { revision: number; applied: number; toolsetVersion: number; liveSince: Date };

/** Rejects the whole save on any invalid combination, saying which tool and why. */
function validateChanges(changes: PolicyChange[]): void {
  const seen = new Set<string>();
  for (const change of changes) {
    if (seen.has(change.toolId)) throw new ServiceError("invalid_input", `Tool ${change.toolId} appears twice in one save.`);
    seen.add(change.toolId);
    if (change.managerApproval && change.policy !== "approval_needed") {
      throw new ServiceError(
        "invalid_input",
        `Manager Approval needs the policy "Needs technician approval" (tool ${change.toolId} is "${change.policy}"). Nothing was saved.`,
      );
    }
    const technicians = change.technicianApprovals;
    if (technicians !== undefined && !(Number.isInteger(technicians) && technicians >= 1 && technicians <= 3))
      throw new ServiceError(
        "invalid_input",
        `The number of technicians who must approve is 1, 2 or 3 (tool ${change.toolId} asked for ${technicians}). Nothing was saved.`,
      );
    if (technicians !== undefined && technicians > 1 && change.policy !== "approval_needed")
      throw new ServiceError(
        "invalid_input",
        `Approval by ${technicians} technicians needs the policy "Needs technician approval" (tool ${change.toolId} is "${change.policy}"). Nothing was saved.`,
      );
  }
}

/**
 * Rejects the whole save when a tool's rules (the new ones, or its stored ones under its new
 * policy — a policy change can turn a tightening rule into a loosening one) do not fit its input
 * schema, saying which tool, which rule and why.
 */
function validateToolRules(
  changes: PolicyChange[],
  known: Array<{ id: string; name: string; inputSchema: Record<string, unknown>; rules: unknown }>,
): void {
  const byId = new Map(known.map((tool) => [tool.id, tool]));
  const problems: string[] = [];
  for (const change of changes) {
    const tool = byId.get(change.toolId)!;
    const rules = change.rules ?? rulesFromStorage(tool.rules);
    const own = { policy: change.policy, managerApproval: change.managerApproval };
    for (const problem of validateRules(rules, tool.inputSchema, own)) problems.push(`${tool.name}: ${problem}`);
  }
  if (problems.length)
    throw new ServiceError("invalid_input", `${problems.slice(0, 5).join(" ")}${problems.length > 5 ? " …" : ""} Nothing was saved.`, {
      problems,
    });
}

/** Why a save is stale, in words: who saved what since, or a re-sync. */
async function describeStaleness(ctx: UserContext, integrationId: string, expectedRevision: number): Promise<ServiceError> {
  const integration = await loadIntegration(ctx.db, ctx.user.workspaceId, integrationId);
  const changes = await ctx.db
    .select({
      revision: toolPolicyChanges.revision,
      toolName: tools.name,
      toPolicy: toolPolicyChanges.toPolicy,
      by: users.name,
      at: toolPolicyChanges.createdAt,
    })
    .from(toolPolicyChanges)
    .innerJoin(tools, eq(tools.id, toolPolicyChanges.toolId))
    .leftJoin(users, eq(users.id, toolPolicyChanges.changedByUserId))
    .where(and(eq(toolPolicyChanges.integrationId, integrationId), gt(toolPolicyChanges.revision, expectedRevision)))
    .orderBy(desc(toolPolicyChanges.createdAt))
    .limit(20);
  const who = [...new Set(changes.map((change) => change.by ?? "someone"))];
  const parts: string[] = [];
  if (changes.length) {
    const sample = changes
      .slice(0, 3)
      .map((change) => `${change.toolName} → ${change.toPolicy}`)
      .join(", ");
    parts.push(
      `${who.join(" and ")} saved ${changes.length === 20 ? "20 or more" : changes.length} change(s) since you loaded this page (${sample}${changes.length > 3 ? ", …" : ""})`,
    );
  }
  if (integration.lastSyncedAt && changes.length === 0)
    parts.push("the integration was re-synced or its status changed since you loaded this page");
  return new ServiceError(
    "stale_revision",
    `Nothing was saved: ${parts.join("; ") || "the policies changed since you loaded this page"}. Reload to see the current policies, then make your changes again.`,
    {
      currentRevision: integration.revision,
      changes: changes.map((change) => ({ tool: change.toolName, to: change.toPolicy, by: change.by, at: change.at.toISOString() })),
    },
  );
}

/**
 * Saves a set of policy changes for one integration, all or nothing, in one transaction:
 * optimistic concurrency on the integration's revision (a concurrent save or a re-sync since the
 * page loaded makes this one fail whole), one set-based statement that updates the tools and
 * writes their history rows, one audit event, and the toolset-version bump that tells agents.
 */
export async function saveToolPolicies(
  ctx: UserContext,
  input: { integrationId: string; revision: number; changes: PolicyChange[]; source?: SaveSource },
): Promise<SaveResult> {
  const { db, user } = ctx;
  if (input.changes.length === 0) throw new ServiceError("invalid_input", "There are no changes to save.");
  validateChanges(input.changes);
  const integration = await loadIntegration(db, user.workspaceId, input.integrationId);
  const ids = input.changes.map((change) => change.toolId);
  const known = await db
    .select({ id: tools.id, name: tools.name, inputSchema: tools.inputSchema, rules: tools.rules })
    .from(tools)
    .where(
      and(
        inArray(tools.id, ids),
        eq(tools.integrationId, integration.id),
        eq(tools.workspaceId, user.workspaceId),
        isNull(tools.removedAt),
      ),
    );
  if (known.length !== ids.length) {
    const found = new Set(known.map((row) => row.id));
    const missing = ids.filter((id) => !found.has(id));
    throw new ServiceError(
      "invalid_input",
      `Unknown tool${missing.length > 1 ? "s" : ""} for this integration: ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", …" : ""}. Nothing was saved.`,
    );
  }
  validateToolRules(input.changes, known);

  const result = await db.transaction(async (tx) => {
    const [bumped] = await tx
      .update(integrations)
      .set({
        revision: sql`${integrations.revision} + 1`,
        policiesReviewedAt: sql`coalesce(${integrations.policiesReviewedAt}, now())`,
        lastSavedByUserId: user.id,
        lastSavedAt: sql`now()`,
      })
      .where(
        and(eq(integrations.id, integration.id), eq(integrations.workspaceId, user.workspaceId), eq(integrations.revision, input.revision)),
      )
      .returning({ revision: integrations.revision });
    if (!bumped) return null;
    const payload = JSON.stringify(
      input.changes.map((change) => ({
        id: change.toolId,
        policy: change.policy,
        manager_approval: change.managerApproval,
        rules: change.rules ?? null,
        technician_approvals: change.technicianApprovals ?? null,
      })),
    );
    // One statement: lock the rows, update those that differ, and write a history row per tool
    // (a change of rules alone is a change too). Rules absent from a change stay as they are.
    const written = await tx.execute(sql`
      with v as (
        select * from jsonb_to_recordset(${payload}::jsonb) as v(id text, policy tool_policy, manager_approval boolean, rules jsonb,
          technician_approvals integer)
      ), old as (
        select t.id, t.policy, t.manager_approval, t.rules, t.technician_approvals from tools t join v on v.id = t.id
        where t.integration_id = ${integration.id} and t.workspace_id = ${user.workspaceId} for update
      ), updated as (
        update tools t set policy = v.policy, manager_approval = v.manager_approval, rules = coalesce(v.rules, old.rules),
               technician_approvals = coalesce(v.technician_approvals, old.technician_approvals), updated_at = now()
        from v join old on old.id = v.id
        where t.id = v.id
          and (old.policy, old.manager_approval, old.rules, old.technician_approvals)
              is distinct from (v.policy, v.manager_approval, coalesce(v.rules, old.rules), coalesce(v.technician_approvals, old.technician_approvals))
        returning t.id, v.policy, v.manager_approval, t.rules, t.technician_approvals
      )
      insert into tool_policy_changes (id, workspace_id, integration_id, tool_id, changed_by_user_id, source, from_policy, to_policy,
        from_manager_approval, to_manager_approval, from_rules, to_rules, from_technician_approvals, to_technician_approvals, revision)
      select 'pch_' || md5(random()::text || clock_timestamp()::text || updated.id), ${user.workspaceId}, ${integration.id}, updated.id, ${user.id}, ${input.source ?? "save"},
             old.policy, updated.policy, old.manager_approval, updated.manager_approval, old.rules, updated.rules,
             old.technician_approvals, updated.technician_approvals, ${bumped.revision}
      from updated join old on old.id = updated.id
      returning tool_id`);
    const applied = (Array.isArray(written) ? written : (written as { rows: unknown[] }).rows).length;
    await markBaselineOverrides(tx, { workspaceId: user.workspaceId, integrationId: integration.id, toolIds: ids });
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      actorType: "user",
      actorId: user.id,
      action: "policies.saved",
      clientId: integration.clientId,
      subjectType: "integration",
      subjectId: integration.id,
      data: { revision: bumped.revision, submitted: input.changes.length, applied, source: input.source ?? "save" },
    });
    const toolset = await recordAccessChange(tx, {
      workspaceId: user.workspaceId,
      cause: "policies.saved",
      actor: { type: "user", id: user.id },
    });
    return { revision: bumped.revision, applied, toolsetVersion: toolset.version, liveSince: toolset.changedAt };
  });
  if (!result) throw await describeStaleness(ctx, integration.id, input.revision);
  return result;
}

/** One click on the History tab: the tool goes back to its seeded default (a save of one change). */
export async function restoreSeededDefault(
  ctx: UserContext,
  input: { integrationId: string; toolId: string; revision: number },
): Promise<SaveResult> {
  const [tool] = await ctx.db
    .select({ seededPolicy: tools.seededPolicy })
    .from(tools)
    .where(and(eq(tools.id, input.toolId), eq(tools.integrationId, input.integrationId), eq(tools.workspaceId, ctx.user.workspaceId)));
  if (!tool) throw new ServiceError("not_found", "No such tool in this integration.");
  return saveToolPolicies(ctx, {
    integrationId: input.integrationId,
    revision: input.revision,
    changes: [{ toolId: input.toolId, policy: tool.seededPolicy, managerApproval: false, technicianApprovals: 1 }],
    source: "restore_default",
  });
}

/**
 * Confirms tools whose definition changed upstream: the flag is cleared and their stored policy
 * applies again. Bumps the revision (the page's view is stale) and the toolset version.
 */
export async function confirmToolDefinitions(
  ctx: UserContext,
  input: { integrationId: string; toolIds: string[]; revision: number },
): Promise<SaveResult> {
  const { db, user } = ctx;
  const integration = await loadIntegration(db, user.workspaceId, input.integrationId);
  const result = await db.transaction(async (tx) => {
    const [bumped] = await tx
      .update(integrations)
      .set({ revision: sql`${integrations.revision} + 1` })
      .where(
        and(eq(integrations.id, integration.id), eq(integrations.workspaceId, user.workspaceId), eq(integrations.revision, input.revision)),
      )
      .returning({ revision: integrations.revision });
    if (!bumped) return null;
    const cleared = await tx
      .update(tools)
      .set({ flaggedAt: null })
      .where(and(inArray(tools.id, input.toolIds), eq(tools.integrationId, integration.id), sql`${tools.flaggedAt} is not null`))
      .returning({ id: tools.id, name: tools.name });
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      actorType: "user",
      actorId: user.id,
      action: "tools.definition_confirmed",
      clientId: integration.clientId,
      subjectType: "integration",
      subjectId: integration.id,
      data: { tools: cleared.map((row) => row.name) },
    });
    const toolset = await recordAccessChange(tx, {
      workspaceId: user.workspaceId,
      cause: "tools.definition_confirmed",
      actor: { type: "user", id: user.id },
    });
    return { revision: bumped.revision, applied: cleared.length, toolsetVersion: toolset.version, liveSince: toolset.changedAt };
  });
  if (!result) throw await describeStaleness(ctx, integration.id, input.revision);
  return result;
}
