import { and, eq, sql } from "drizzle-orm";
import { baselines, baselineTools, type ToolPolicy } from "@/db/schema";
import { recordAudit } from "../audit/record";
import type { UserContext } from "../context";
import { ServiceError } from "../errors";
import { recordAccessChange } from "../integrations/toolset-version";
import { applyBaselineToFollowers } from "./apply";
import { loadBaseline } from "./read";

export type BaselineEntryChange = { toolName: string; policy: ToolPolicy; managerApproval: boolean };
export type BaselineSaveResult = {
  revision: number;
  integrations: number;
  clients: number;
  applied: number;
  toolsetVersion: number | null;
};

function validateEntries(entries: BaselineEntryChange[]): void {
  if (entries.length === 0) throw new ServiceError("invalid_input", "There are no changes to save.");
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.toolName))
      throw new ServiceError("invalid_input", `Tool ${entry.toolName} appears twice in one save. Nothing was saved.`);
    seen.add(entry.toolName);
    if (entry.managerApproval && entry.policy !== "approval_needed")
      throw new ServiceError(
        "invalid_input",
        `Manager Approval needs the policy "Needs technician approval" (tool ${entry.toolName} is "${entry.policy}"). Nothing was saved.`,
      );
  }
}

/**
 * Changes a baseline's entries and, in the same transaction, every follower's tools that are not
 * overridden there: optimistic concurrency on the baseline's revision, each follower's revision
 * bumped with a `baseline` history row per tool changed, one audit event for the baseline and one
 * per follower (under its client), and one toolset-version bump that tells agents and re-decides
 * waiting calls. Rules already on an entry are kept.
 */
export async function saveBaseline(
  ctx: UserContext,
  input: { baselineId: string; revision: number; entries: BaselineEntryChange[] },
): Promise<BaselineSaveResult> {
  const { db, user } = ctx;
  validateEntries(input.entries);
  const baseline = await loadBaseline(db, user.workspaceId, input.baselineId);
  const known = new Set(
    (
      await db
        .select({ toolName: baselineTools.toolName })
        .from(baselineTools)
        .where(and(eq(baselineTools.baselineId, baseline.id), eq(baselineTools.workspaceId, user.workspaceId)))
    ).map((row) => row.toolName),
  );
  const unknown = input.entries.filter((entry) => !known.has(entry.toolName)).map((entry) => entry.toolName);
  if (unknown.length)
    throw new ServiceError("invalid_input", `The baseline has no tool named ${unknown.slice(0, 5).join(", ")}. Nothing was saved.`);

  return db.transaction(async (tx) => {
    const [bumped] = await tx
      .update(baselines)
      .set({ revision: sql`${baselines.revision} + 1` })
      .where(and(eq(baselines.id, baseline.id), eq(baselines.workspaceId, user.workspaceId), eq(baselines.revision, input.revision)))
      .returning({ revision: baselines.revision });
    if (!bumped)
      throw new ServiceError(
        "stale_revision",
        "Nothing was saved: someone changed this baseline since you loaded the page. Reload to see it, then make your changes again.",
      );
    for (const entry of input.entries)
      await tx
        .update(baselineTools)
        .set({ policy: entry.policy, managerApproval: entry.managerApproval })
        .where(
          and(
            eq(baselineTools.baselineId, baseline.id),
            eq(baselineTools.workspaceId, user.workspaceId),
            eq(baselineTools.toolName, entry.toolName),
          ),
        );
    const followers = await applyBaselineToFollowers(tx, { workspaceId: user.workspaceId, baselineId: baseline.id, userId: user.id });
    const applied = followers.reduce((sum, follower) => sum + follower.applied, 0);
    const clients = new Set(followers.map((follower) => follower.clientId ?? "")).size;
    await recordAudit(tx, [
      {
        workspaceId: user.workspaceId,
        actorType: "user",
        actorId: user.id,
        action: "baseline.saved",
        subjectType: "baseline",
        subjectId: baseline.id,
        data: { revision: bumped.revision, submitted: input.entries.length, integrations: followers.length, clients, applied },
      },
      ...followers.map((follower) => ({
        workspaceId: user.workspaceId,
        actorType: "user" as const,
        actorId: user.id,
        action: "baseline.applied" as const,
        clientId: follower.clientId,
        subjectType: "integration",
        subjectId: follower.integrationId,
        data: { baselineId: baseline.id, revision: follower.revision, applied: follower.applied },
      })),
    ]);
    const toolset =
      followers.length > 0
        ? await recordAccessChange(tx, { workspaceId: user.workspaceId, cause: "baseline.saved", actor: { type: "user", id: user.id } })
        : null;
    return { revision: bumped.revision, integrations: followers.length, clients, applied, toolsetVersion: toolset?.version ?? null };
  });
}
