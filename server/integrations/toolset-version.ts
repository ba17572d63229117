import { and, eq, isNotNull, sql } from "drizzle-orm";
import type { Transaction } from "@/db";
import { agents, workspaces } from "@/db/schema";
import { publishEvent } from "../events/bus";
import { enqueueJobs } from "../jobs/enqueue";
import { stopCallsNoLongerAllowed, type CancelActor } from "../gateway/cancel-calls";

/**
 * Bumps the workspace's toolset version — what agents see changed (a save, connect, re-sync,
 * pause) — inside the caller's transaction, and in the same transaction wakes open MCP streams
 * (NOTIFY, delivered at commit) and writes one configuration-webhook job per agent that has a URL.
 */
export async function bumpToolsetVersion(
  tx: Transaction,
  workspaceId: string,
  cause: string,
): Promise<{ version: number; changedAt: Date }> {
  const [row] = await tx
    .update(workspaces)
    .set({ toolsetVersion: sql`${workspaces.toolsetVersion} + 1`, toolsetChangedAt: sql`now()` })
    .where(eq(workspaces.id, workspaceId))
    .returning({ version: workspaces.toolsetVersion, changedAt: workspaces.toolsetChangedAt });
  if (!row) throw new Error(`workspace ${workspaceId} not found`);
  const hooked = await tx
    .select({ id: agents.id })
    .from(agents)
    .where(and(eq(agents.workspaceId, workspaceId), isNotNull(agents.webhookUrl)));
  await enqueueJobs(
    tx,
    hooked.map((agent) => ({ kind: "agent_config_webhook", workspaceId, payload: { agentId: agent.id, version: row.version, cause } })),
  );
  await publishEvent(tx, { type: "toolset", workspaceId, version: row.version });
  return row;
}

/**
 * A change to what agents may do (a save, connect, re-sync, pause, scope): inside the caller's
 * transaction, agents are told (the toolset version) and every call still waiting or approved is
 * re-decided, and cancelled if the decision no longer allows it. Every such change goes through here.
 */
export async function recordAccessChange(
  tx: Transaction,
  input: { workspaceId: string; cause: string; actor: CancelActor },
): Promise<{ version: number; changedAt: Date; cancelledCalls: string[] }> {
  const toolset = await bumpToolsetVersion(tx, input.workspaceId, input.cause);
  const cancelledCalls = await stopCallsNoLongerAllowed(tx, input);
  return { ...toolset, cancelledCalls };
}
