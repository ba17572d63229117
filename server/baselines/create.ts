import { and, eq, isNull, sql } from "drizzle-orm";
import { baselines, baselineTools, integrations, tools } from "@/db/schema";
import { recordAudit } from "../audit/record";
import type { UserContext } from "../context";
import { ServiceError } from "../errors";
import { loadIntegration } from "../integrations/load";
import { compatibilityKey } from "./compatible";
import { claimIntegrationRevision, staleIntegration } from "./write-helpers";

/**
 * Makes a baseline of an integration's current policies (every tool not removed, by name) and
 * has that integration follow it, in one transaction with its audit event. Nothing changes for
 * agents (the policies are the ones already live), so the toolset version is not bumped; the
 * integration's revision is, because its page now shows the baseline.
 */
export async function createBaselineFromIntegration(
  ctx: UserContext,
  input: { integrationId: string; revision: number; name: string },
): Promise<{ baselineId: string; tools: number }> {
  const { db, user } = ctx;
  const name = input.name.trim();
  if (!name) throw new ServiceError("invalid_input", "Give the baseline a name.");
  const integration = await loadIntegration(db, user.workspaceId, input.integrationId);
  const [taken] = await db
    .select({ id: baselines.id })
    .from(baselines)
    .where(and(eq(baselines.workspaceId, user.workspaceId), eq(baselines.name, name)));
  if (taken) throw new ServiceError("conflict", `A baseline named “${name}” already exists. Choose another name.`);
  const result = await db.transaction(async (tx) => {
    const [baseline] = await tx
      .insert(baselines)
      .values({
        workspaceId: user.workspaceId,
        name,
        kind: integration.kind,
        compatibilityKey: compatibilityKey(integration),
        createdByUserId: user.id,
      })
      .returning({ id: baselines.id });
    const claimed = await claimIntegrationRevision(tx, { ...input, workspaceId: user.workspaceId, baselineId: baseline!.id });
    // Throwing rolls the new baseline back with it.
    if (!claimed) throw staleIntegration();
    const current = await tx
      .select({ toolName: tools.name, policy: tools.policy, managerApproval: tools.managerApproval, rules: tools.rules })
      .from(tools)
      .where(and(eq(tools.integrationId, integration.id), eq(tools.workspaceId, user.workspaceId), isNull(tools.removedAt)));
    if (current.length)
      await tx.insert(baselineTools).values(current.map((tool) => ({ ...tool, workspaceId: user.workspaceId, baselineId: baseline!.id })));
    await tx
      .update(tools)
      .set({ baselineOverride: false })
      .where(and(eq(tools.integrationId, integration.id), eq(tools.workspaceId, user.workspaceId)));
    await tx
      .update(integrations)
      .set({ revision: sql`${integrations.revision} + 1` })
      .where(and(eq(integrations.id, integration.id), eq(integrations.workspaceId, user.workspaceId)));
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      actorType: "user",
      actorId: user.id,
      action: "baseline.created",
      clientId: integration.clientId,
      subjectType: "baseline",
      subjectId: baseline!.id,
      data: { name, fromIntegrationId: integration.id, tools: current.length },
    });
    return { baselineId: baseline!.id, tools: current.length };
  });
  return result;
}
