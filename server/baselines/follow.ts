import { and, eq, isNull, sql } from "drizzle-orm";
import { baselineTools, integrations, tools } from "@/db/schema";
import { recordAudit } from "../audit/record";
import type { UserContext } from "../context";
import { ServiceError } from "../errors";
import { recordAccessChange } from "../integrations/toolset-version";
import { loadIntegration } from "../integrations/load";
import { applyBaselineToFollowers } from "./apply";
import { compatibilityKey } from "./compatible";
import { loadBaseline } from "./read";
import { claimIntegrationRevision, staleIntegration } from "./write-helpers";

export type FollowResult = { revision: number; applied: number; toolsetVersion: number };

/**
 * The integration follows a baseline from now on: every tool the baseline names takes its policy
 * (earlier overrides are dropped), with `baseline` history rows, its audit event and the toolset
 * bump, in one transaction. Refused for a baseline made for another kind of integration.
 */
export async function followBaseline(
  ctx: UserContext,
  input: { integrationId: string; baselineId: string; revision: number },
): Promise<FollowResult> {
  const { db, user } = ctx;
  const integration = await loadIntegration(db, user.workspaceId, input.integrationId);
  const baseline = await loadBaseline(db, user.workspaceId, input.baselineId);
  if (baseline.compatibilityKey !== compatibilityKey(integration))
    throw new ServiceError(
      "invalid_input",
      `“${baseline.name}” is a baseline for another kind of integration; ${integration.name} cannot follow it.`,
    );
  return db.transaction(async (tx) => {
    const claimed = await claimIntegrationRevision(tx, { ...input, workspaceId: user.workspaceId, baselineId: baseline.id });
    if (!claimed) throw staleIntegration();
    await tx
      .update(tools)
      .set({ baselineOverride: false })
      .where(and(eq(tools.integrationId, integration.id), eq(tools.workspaceId, user.workspaceId)));
    const [follower] = await applyBaselineToFollowers(tx, {
      workspaceId: user.workspaceId,
      baselineId: baseline.id,
      userId: user.id,
      integrationIds: [integration.id],
    });
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      actorType: "user",
      actorId: user.id,
      action: "baseline.followed",
      clientId: integration.clientId,
      subjectType: "integration",
      subjectId: integration.id,
      data: { baselineId: baseline.id, name: baseline.name, applied: follower!.applied },
    });
    const toolset = await recordAccessChange(tx, {
      workspaceId: user.workspaceId,
      cause: "baseline.followed",
      actor: { type: "user", id: user.id },
    });
    return { revision: follower!.revision, applied: follower!.applied, toolsetVersion: toolset.version };
  });
}

/** The integration stops following its baseline; its policies stay as they are (nothing changes for agents). */
export async function stopFollowingBaseline(
  ctx: UserContext,
  input: { integrationId: string; revision: number },
): Promise<{ revision: number }> {
  const { db, user } = ctx;
  const integration = await loadIntegration(db, user.workspaceId, input.integrationId);
  if (!integration.baselineId) throw new ServiceError("invalid_input", `${integration.name} follows no baseline.`);
  return db.transaction(async (tx) => {
    const claimed = await claimIntegrationRevision(tx, { ...input, workspaceId: user.workspaceId, baselineId: null });
    if (!claimed) throw staleIntegration();
    await tx
      .update(tools)
      .set({ baselineOverride: false })
      .where(and(eq(tools.integrationId, integration.id), eq(tools.workspaceId, user.workspaceId)));
    // The page's badges are stale: bump its revision.
    const [bumped] = await tx
      .update(integrations)
      .set({ revision: sql`${integrations.revision} + 1` })
      .where(and(eq(integrations.id, integration.id), eq(integrations.workspaceId, user.workspaceId)))
      .returning({ revision: integrations.revision });
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      actorType: "user",
      actorId: user.id,
      action: "baseline.unfollowed",
      clientId: integration.clientId,
      subjectType: "integration",
      subjectId: integration.id,
      data: { baselineId: integration.baselineId },
    });
    return { revision: bumped!.revision };
  });
}

/**
 * "Reset to baseline" on one tool: it takes the baseline's policy again and follows later changes,
 * as one save (history row `baseline`, audit, toolset bump) in one transaction.
 */
export async function resetToolToBaseline(
  ctx: UserContext,
  input: { integrationId: string; toolId: string; revision: number },
): Promise<FollowResult> {
  const { db, user } = ctx;
  const integration = await loadIntegration(db, user.workspaceId, input.integrationId);
  if (!integration.baselineId) throw new ServiceError("invalid_input", `${integration.name} follows no baseline.`);
  const [tool] = await db
    .select({ id: tools.id, name: tools.name })
    .from(tools)
    .innerJoin(baselineTools, and(eq(baselineTools.baselineId, integration.baselineId), eq(baselineTools.toolName, tools.name)))
    .where(
      and(
        eq(tools.id, input.toolId),
        eq(tools.integrationId, integration.id),
        eq(tools.workspaceId, user.workspaceId),
        isNull(tools.removedAt),
      ),
    );
  if (!tool) throw new ServiceError("not_found", "No such tool in this integration's baseline.");
  const baselineId = integration.baselineId;
  return db.transaction(async (tx) => {
    const claimed = await claimIntegrationRevision(tx, { ...input, workspaceId: user.workspaceId });
    if (!claimed || claimed.baselineId !== baselineId) throw staleIntegration();
    await tx
      .update(tools)
      .set({ baselineOverride: false })
      .where(and(eq(tools.id, tool.id), eq(tools.workspaceId, user.workspaceId)));
    const [follower] = await applyBaselineToFollowers(tx, {
      workspaceId: user.workspaceId,
      baselineId,
      userId: user.id,
      integrationIds: [integration.id],
      toolIds: [tool.id],
    });
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      actorType: "user",
      actorId: user.id,
      action: "baseline.tool_reset",
      clientId: integration.clientId,
      subjectType: "tool",
      subjectId: tool.id,
      data: { baselineId, tool: tool.name, integrationId: integration.id },
    });
    const toolset = await recordAccessChange(tx, {
      workspaceId: user.workspaceId,
      cause: "baseline.tool_reset",
      actor: { type: "user", id: user.id },
    });
    return { revision: follower!.revision, applied: follower!.applied, toolsetVersion: toolset.version };
  });
}
