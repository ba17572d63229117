import { and, eq, inArray, sql } from "drizzle-orm";
import type { Transaction } from "@/db";
import { integrations } from "@/db/schema";

export type AppliedFollower = { integrationId: string; clientId: string | null; revision: number; applied: number };

const rowsOf = (result: unknown): Array<Record<string, unknown>> =>
  Array.isArray(result) ? (result as Array<Record<string, unknown>>) : (result as { rows: Array<Record<string, unknown>> }).rows;

/**
 * The one writer of baseline policies onto followers' tools, inside the caller's transaction:
 * bumps each follower's revision (a page loaded before is stale), then in one statement copies
 * the baseline entry's policy onto every matching tool (same name, not removed, not overridden
 * there) that differs, writing a `baseline` history row per tool changed. Overridden tools are
 * never touched. Optionally narrowed to some followers or some tools (reset, start following).
 * It does not tell agents: the caller calls `recordAccessChange` once for the transaction.
 */
export async function applyBaselineToFollowers(
  tx: Transaction,
  input: { workspaceId: string; baselineId: string; userId: string; integrationIds?: string[]; toolIds?: string[] },
): Promise<AppliedFollower[]> {
  const followers = await tx
    .update(integrations)
    .set({ revision: sql`${integrations.revision} + 1` })
    .where(
      and(
        eq(integrations.workspaceId, input.workspaceId),
        eq(integrations.baselineId, input.baselineId),
        input.integrationIds ? inArray(integrations.id, input.integrationIds) : undefined,
      ),
    )
    .returning({ id: integrations.id, clientId: integrations.clientId, revision: integrations.revision });
  if (followers.length === 0) return [];
  const revisions = JSON.stringify(followers.map((follower) => ({ id: follower.id, revision: follower.revision })));
  const toolFilter = input.toolIds ? sql`and t.id in (select jsonb_array_elements_text(${JSON.stringify(input.toolIds)}::jsonb))` : sql``;
  // A tool's rules are part of its policy: copied and compared with it.
  const written = await tx.execute(sql`
    with f as (
      select * from jsonb_to_recordset(${revisions}::jsonb) as f(id text, revision integer)
    ), old as (
      select t.id, t.integration_id, t.policy, t.manager_approval, t.rules, bt.policy as to_policy, bt.manager_approval as to_manager_approval,
        bt.rules as to_rules, f.revision
      from tools t
      join f on f.id = t.integration_id
      join baseline_tools bt on bt.baseline_id = ${input.baselineId} and bt.tool_name = t.name and bt.workspace_id = ${input.workspaceId}
      where t.workspace_id = ${input.workspaceId} and t.removed_at is null and not t.baseline_override ${toolFilter}
      for update of t
    ), updated as (
      update tools t set policy = old.to_policy, manager_approval = old.to_manager_approval, rules = old.to_rules, updated_at = now()
      from old
      where t.id = old.id and (old.policy, old.manager_approval, old.rules) is distinct from (old.to_policy, old.to_manager_approval, old.to_rules)
      returning t.id
    )
    insert into tool_policy_changes (id, workspace_id, integration_id, tool_id, changed_by_user_id, source, from_policy, to_policy, from_manager_approval, to_manager_approval, from_rules, to_rules, revision)
    select 'pch_' || md5(random()::text || clock_timestamp()::text || old.id), ${input.workspaceId}, old.integration_id, old.id, ${input.userId}, 'baseline'::policy_change_source,
           old.policy, old.to_policy, old.manager_approval, old.to_manager_approval, old.rules, old.to_rules, old.revision
    from updated join old on old.id = updated.id
    returning integration_id`);
  const counts = new Map<string, number>();
  for (const row of rowsOf(written)) counts.set(String(row.integration_id), (counts.get(String(row.integration_id)) ?? 0) + 1);
  return followers.map((follower) => ({
    integrationId: follower.id,
    clientId: follower.clientId,
    revision: follower.revision,
    applied: counts.get(follower.id) ?? 0,
  }));
}

/**
 * After an admin saves tools of a follower (inside that save's transaction): each saved tool that
 * now differs from its baseline entry is marked overridden here, and one that matches it again is
 * not. Tools of an integration that follows no baseline, or not in the baseline, are left alone.
 */
export async function markBaselineOverrides(tx: Transaction, input: { workspaceId: string; integrationId: string; toolIds: string[] }) {
  if (input.toolIds.length === 0) return;
  await tx.execute(sql`
    update tools t
    set baseline_override = (t.policy, t.manager_approval, t.rules) is distinct from (bt.policy, bt.manager_approval, bt.rules)
    from integrations i, baseline_tools bt
    where i.id = t.integration_id and i.workspace_id = ${input.workspaceId} and i.id = ${input.integrationId}
      and bt.baseline_id = i.baseline_id and bt.tool_name = t.name
      and t.workspace_id = ${input.workspaceId}
      and t.id in (select jsonb_array_elements_text(${JSON.stringify(input.toolIds)}::jsonb))`);
}
