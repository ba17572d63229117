import { and, asc, count, eq, isNull } from "drizzle-orm";
import type { Executor } from "@/db";
import { baselines, baselineTools, clients, integrations, tools } from "@/db/schema";
import type { UserContext } from "../context";
import { ServiceError } from "../errors";
import { loadIntegration } from "../integrations/load";
import { compatibilityKey, describeCompatibility } from "./compatible";

/** A baseline of the caller's workspace, or not_found (never another workspace's). */
export async function loadBaseline(db: Executor, workspaceId: string, baselineId: string) {
  const [row] = await db
    .select()
    .from(baselines)
    .where(and(eq(baselines.id, baselineId), eq(baselines.workspaceId, workspaceId)));
  if (!row) throw new ServiceError("not_found", "No such baseline in this workspace.");
  return row;
}

/** The integrations that follow a baseline, with their client's name (null: the MSP as a whole). */
export async function listFollowers(db: Executor, workspaceId: string, baselineId: string) {
  return db
    .select({ id: integrations.id, name: integrations.name, clientId: integrations.clientId, clientName: clients.name })
    .from(integrations)
    .leftJoin(clients, eq(clients.id, integrations.clientId))
    .where(and(eq(integrations.workspaceId, workspaceId), eq(integrations.baselineId, baselineId)))
    .orderBy(asc(integrations.name));
}

/** How many integrations and distinct clients a change to the baseline touches ("the MSP itself" counts as one). */
export function followerReach(followers: Array<{ clientId: string | null }>): { integrations: number; clients: number } {
  return { integrations: followers.length, clients: new Set(followers.map((follower) => follower.clientId ?? "")).size };
}

/** The baselines page: every baseline with what it fits, how many tools it names and who follows it. */
export async function listBaselines(ctx: UserContext) {
  const workspaceId = ctx.user.workspaceId;
  const rows = await ctx.db.select().from(baselines).where(eq(baselines.workspaceId, workspaceId)).orderBy(asc(baselines.name));
  const toolCounts = await ctx.db
    .select({ baselineId: baselineTools.baselineId, n: count() })
    .from(baselineTools)
    .where(eq(baselineTools.workspaceId, workspaceId))
    .groupBy(baselineTools.baselineId);
  const followers = await ctx.db
    .select({ baselineId: integrations.baselineId, id: integrations.id, name: integrations.name, clientId: integrations.clientId })
    .from(integrations)
    .where(eq(integrations.workspaceId, workspaceId))
    .orderBy(asc(integrations.name));
  return rows.map((row) => {
    const own = followers.filter((follower) => follower.baselineId === row.id);
    return {
      id: row.id,
      name: row.name,
      kind: row.kind,
      fits: describeCompatibility(row.compatibilityKey),
      toolCount: Number(toolCounts.find((entry) => entry.baselineId === row.id)?.n ?? 0),
      followers: own.map(({ id, name }) => ({ id, name })),
      reach: followerReach(own),
      updatedAt: row.updatedAt,
    };
  });
}

/** One baseline as its page edits it: its entries by tool name and its followers. */
export async function getBaseline(ctx: UserContext, input: { baselineId: string }) {
  const baseline = await loadBaseline(ctx.db, ctx.user.workspaceId, input.baselineId);
  const entries = await ctx.db
    .select({
      toolName: baselineTools.toolName,
      policy: baselineTools.policy,
      managerApproval: baselineTools.managerApproval,
      rules: baselineTools.rules,
    })
    .from(baselineTools)
    .where(and(eq(baselineTools.baselineId, baseline.id), eq(baselineTools.workspaceId, ctx.user.workspaceId)))
    .orderBy(asc(baselineTools.toolName));
  const followers = await listFollowers(ctx.db, ctx.user.workspaceId, baseline.id);
  return {
    id: baseline.id,
    name: baseline.name,
    kind: baseline.kind,
    fits: describeCompatibility(baseline.compatibilityKey),
    revision: baseline.revision,
    entries,
    followers,
    reach: followerReach(followers),
  };
}

export type BaselineDetail = Awaited<ReturnType<typeof getBaseline>>;

/**
 * For an integration's page: the baseline it follows (if any), the baselines it could follow, and
 * per tool whether its policy comes from the baseline or is overridden here (tools the baseline
 * does not name are absent).
 */
export async function baselineForIntegration(ctx: UserContext, input: { integrationId: string }) {
  const workspaceId = ctx.user.workspaceId;
  const integration = await loadIntegration(ctx.db, workspaceId, input.integrationId);
  const key = compatibilityKey(integration);
  const candidates = await ctx.db
    .select({ id: baselines.id, name: baselines.name })
    .from(baselines)
    .where(and(eq(baselines.workspaceId, workspaceId), eq(baselines.compatibilityKey, key)))
    .orderBy(asc(baselines.name));
  const following = candidates.find((candidate) => candidate.id === integration.baselineId) ?? null;
  const toolStatus: Record<string, "from_baseline" | "overridden"> = {};
  if (following) {
    const rows = await ctx.db
      .select({ id: tools.id, override: tools.baselineOverride })
      .from(tools)
      .innerJoin(baselineTools, and(eq(baselineTools.baselineId, following.id), eq(baselineTools.toolName, tools.name)))
      .where(and(eq(tools.integrationId, integration.id), eq(tools.workspaceId, workspaceId), isNull(tools.removedAt)));
    for (const row of rows) toolStatus[row.id] = row.override ? "overridden" : "from_baseline";
  }
  return { following, candidates: candidates.filter((candidate) => candidate.id !== integration.baselineId), toolStatus };
}

export type IntegrationBaseline = Awaited<ReturnType<typeof baselineForIntegration>>;
