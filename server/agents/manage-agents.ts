import { and, asc, desc, eq, inArray, isNull } from "drizzle-orm";
import type { Transaction } from "@/db";
import { agentClients, agentKeys, agents, clients, workspaces } from "@/db/schema";
import { recordAudit } from "../audit/record";
import type { UserContext } from "../context";
import { sealSecret } from "../crypto/secret-box";
import { ServiceError } from "../errors";
import { stopCallsNoLongerAllowed } from "../gateway/cancel-calls";
import { recordAccessChange } from "../integrations/toolset-version";
import { assertAllowedUpstreamUrl } from "../integrations/upstream-url";
import { newSecretToken } from "../crypto/tokens";
import { listAgentToolLimits } from "./agent-limits";
import { newAgentKey } from "./keys";

export type AgentScopeInput = { allClients: boolean; clientIds: string[]; mspWide: boolean };

async function assertClients(tx: Transaction, workspaceId: string, clientIds: string[]): Promise<void> {
  if (clientIds.length === 0) return;
  const found = await tx
    .select({ id: clients.id })
    .from(clients)
    .where(and(eq(clients.workspaceId, workspaceId), inArray(clients.id, clientIds)));
  if (found.length !== new Set(clientIds).size)
    throw new ServiceError("invalid_input", "One of the chosen clients does not exist in this workspace.");
}

export const webhookSecretContext = (agentId: string) => `agent-webhook:${agentId}`;

export async function loadAgent(tx: Transaction | UserContext["db"], workspaceId: string, agentId: string) {
  const [agent] = await tx
    .select()
    .from(agents)
    .where(and(eq(agents.id, agentId), eq(agents.workspaceId, workspaceId), isNull(agents.deletedAt)));
  if (!agent) throw new ServiceError("not_found", "No such agent in this workspace.");
  return agent;
}

/**
 * Creates an agent with its first API key (shown once; only its SHA-256 is kept) and, when a
 * webhook URL is given, its webhook signing secret (also shown once).
 */
export async function createAgent(
  ctx: UserContext,
  input: { name: string; scope: AgentScopeInput; webhookUrl?: string | null },
): Promise<{ agentId: string; key: string; keyPrefix: string; webhookSecret: string | null }> {
  const { db, user } = ctx;
  const webhookUrl = input.webhookUrl ? (await assertAllowedUpstreamUrl(input.webhookUrl)).toString() : null;
  const key = newAgentKey();
  const webhookSecret = webhookUrl ? newSecretToken(32, "whsec_") : null;
  return db.transaction(async (tx) => {
    await assertClients(tx, user.workspaceId, input.scope.clientIds);
    const [agent] = await tx
      .insert(agents)
      .values({
        workspaceId: user.workspaceId,
        name: input.name.trim(),
        allClients: input.scope.allClients,
        mspWide: input.scope.mspWide,
        webhookUrl,
      })
      .returning({ id: agents.id });
    const agentId = agent!.id;
    if (webhookSecret)
      await tx
        .update(agents)
        .set({ webhookSecretCiphertext: sealSecret(webhookSecret, webhookSecretContext(agentId)) })
        .where(eq(agents.id, agentId));
    if (!input.scope.allClients && input.scope.clientIds.length) {
      await tx
        .insert(agentClients)
        .values([...new Set(input.scope.clientIds)].map((clientId) => ({ agentId, clientId, workspaceId: user.workspaceId })));
    }
    await tx.insert(agentKeys).values({ workspaceId: user.workspaceId, agentId, prefix: key.prefix, keyHash: key.hash });
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      // `npm run admin -- create-agent` acts as "cli:<login>", recorded as the system.
      actorType: user.id.startsWith("cli:") ? "system" : "user",
      actorId: user.id,
      action: "agent.created",
      subjectType: "agent",
      subjectId: agentId,
      data: { name: input.name, scope: input.scope, keyPrefix: key.prefix, webhook: Boolean(webhookUrl) },
    });
    return { agentId, key: key.key, keyPrefix: key.prefix, webhookSecret };
  });
}

export async function issueAgentKey(ctx: UserContext, input: { agentId: string }): Promise<{ key: string; keyPrefix: string }> {
  const agent = await loadAgent(ctx.db, ctx.user.workspaceId, input.agentId);
  const key = newAgentKey();
  await ctx.db.transaction(async (tx) => {
    await tx.insert(agentKeys).values({ workspaceId: ctx.user.workspaceId, agentId: agent.id, prefix: key.prefix, keyHash: key.hash });
    await recordAudit(tx, {
      workspaceId: ctx.user.workspaceId,
      actorType: "user",
      actorId: ctx.user.id,
      action: "agent.key_issued",
      subjectType: "agent",
      subjectId: agent.id,
      data: { keyPrefix: key.prefix },
    });
  });
  return { key: key.key, keyPrefix: key.prefix };
}

/**
 * Retires a key (rotation): the very next request with it gets 401, but calls already made with it
 * go on — waiting for approval, then running once approved. Use after the agent has its new key.
 */
export async function retireAgentKey(ctx: UserContext, input: { keyId: string }): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [key] = await tx
      .update(agentKeys)
      .set({ retiredAt: new Date() })
      .where(
        and(
          eq(agentKeys.id, input.keyId),
          eq(agentKeys.workspaceId, ctx.user.workspaceId),
          isNull(agentKeys.retiredAt),
          isNull(agentKeys.revokedAt),
        ),
      )
      .returning();
    if (!key) throw new ServiceError("not_found", "No such active key in this workspace.");
    await recordAudit(tx, {
      workspaceId: ctx.user.workspaceId,
      actorType: "user",
      actorId: ctx.user.id,
      action: "agent.key_retired",
      subjectType: "agent",
      subjectId: key.agentId,
      data: { keyPrefix: key.prefix },
    });
  });
}

/**
 * Revokes a key as compromised: the very next request with it gets 401 (keys are looked up on every
 * request), and every call made with it that still waits for approval (or is approved but not yet
 * running) is cancelled in the same transaction. A retired key can still be revoked.
 */
export async function revokeAgentKey(ctx: UserContext, input: { keyId: string }): Promise<{ cancelledCalls: number }> {
  return ctx.db.transaction(async (tx) => {
    const [key] = await tx
      .update(agentKeys)
      .set({ revokedAt: new Date() })
      .where(and(eq(agentKeys.id, input.keyId), eq(agentKeys.workspaceId, ctx.user.workspaceId), isNull(agentKeys.revokedAt)))
      .returning();
    if (!key) throw new ServiceError("not_found", "No such key in this workspace, or it is already revoked.");
    await recordAudit(tx, {
      workspaceId: ctx.user.workspaceId,
      actorType: "user",
      actorId: ctx.user.id,
      action: "agent.key_revoked",
      subjectType: "agent",
      subjectId: key.agentId,
      data: { keyPrefix: key.prefix, compromised: true },
    });
    const cancelled = await stopCallsNoLongerAllowed(tx, {
      workspaceId: ctx.user.workspaceId,
      cause: "agent.key_revoked",
      actor: { type: "user", id: ctx.user.id },
    });
    return { cancelledCalls: cancelled.length };
  });
}

/** Pauses or resumes one agent (403 agent_paused while paused). */
export async function setAgentPaused(ctx: UserContext, input: { agentId: string; paused: boolean }): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const agent = await loadAgent(tx, ctx.user.workspaceId, input.agentId);
    await tx.update(agents).set({ paused: input.paused }).where(eq(agents.id, agent.id));
    await recordAudit(tx, {
      workspaceId: ctx.user.workspaceId,
      actorType: "user",
      actorId: ctx.user.id,
      action: input.paused ? "agent.paused" : "agent.resumed",
      subjectType: "agent",
      subjectId: agent.id,
    });
    await recordAccessChange(tx, {
      workspaceId: ctx.user.workspaceId,
      cause: input.paused ? "agent.paused" : "agent.resumed",
      actor: { type: "user", id: ctx.user.id },
    });
  });
}

/** Changes which clients (and whether MSP-wide integrations) an agent may reach. */
export async function setAgentScope(
  ctx: UserContext,
  input: { agentId: string; scope: AgentScopeInput },
): Promise<{ cancelledCalls: number }> {
  return ctx.db.transaction(async (tx) => {
    const agent = await loadAgent(tx, ctx.user.workspaceId, input.agentId);
    await assertClients(tx, ctx.user.workspaceId, input.scope.clientIds);
    await tx.update(agents).set({ allClients: input.scope.allClients, mspWide: input.scope.mspWide }).where(eq(agents.id, agent.id));
    await tx.delete(agentClients).where(eq(agentClients.agentId, agent.id));
    if (!input.scope.allClients && input.scope.clientIds.length) {
      await tx
        .insert(agentClients)
        .values(
          [...new Set(input.scope.clientIds)].map((clientId) => ({ agentId: agent.id, clientId, workspaceId: ctx.user.workspaceId })),
        );
    }
    await recordAudit(tx, {
      workspaceId: ctx.user.workspaceId,
      actorType: "user",
      actorId: ctx.user.id,
      action: "agent.scope_changed",
      subjectType: "agent",
      subjectId: agent.id,
      data: { scope: input.scope },
    });
    const change = await recordAccessChange(tx, {
      workspaceId: ctx.user.workspaceId,
      cause: "agent.scope_changed",
      actor: { type: "user", id: ctx.user.id },
    });
    return { cancelledCalls: change.cancelledCalls.length };
  });
}

/** Renames an agent (what the Activity log and approvers see from now on; past calls keep their agent). */
export async function renameAgent(ctx: UserContext, input: { agentId: string; name: string }): Promise<void> {
  const name = input.name.trim();
  if (!name) throw new ServiceError("invalid_input", "Enter a name for the agent.");
  await ctx.db.transaction(async (tx) => {
    const agent = await loadAgent(tx, ctx.user.workspaceId, input.agentId);
    if (agent.name === name) return;
    await tx.update(agents).set({ name }).where(eq(agents.id, agent.id));
    await recordAudit(tx, {
      workspaceId: ctx.user.workspaceId,
      actorType: "user",
      actorId: ctx.user.id,
      action: "agent.renamed",
      subjectType: "agent",
      subjectId: agent.id,
      data: { from: agent.name, to: name },
    });
  });
}

/**
 * Deletes an agent for good while keeping its history: the row stays (its calls and audit events
 * still name it) but it leaves every list, every key is revoked and it is paused, so the one
 * decision refuses it and every call of it still waiting is cancelled, in this transaction.
 */
export async function deleteAgent(ctx: UserContext, input: { agentId: string }): Promise<{ cancelledCalls: number }> {
  return ctx.db.transaction(async (tx) => {
    const agent = await loadAgent(tx, ctx.user.workspaceId, input.agentId);
    const now = new Date();
    await tx
      .update(agents)
      .set({ deletedAt: now, paused: true, webhookUrl: null, webhookSecretCiphertext: null })
      .where(eq(agents.id, agent.id));
    await tx
      .update(agentKeys)
      .set({ revokedAt: now })
      .where(and(eq(agentKeys.agentId, agent.id), isNull(agentKeys.revokedAt)));
    await recordAudit(tx, {
      workspaceId: ctx.user.workspaceId,
      actorType: "user",
      actorId: ctx.user.id,
      action: "agent.deleted",
      subjectType: "agent",
      subjectId: agent.id,
      data: { name: agent.name },
    });
    const change = await recordAccessChange(tx, {
      workspaceId: ctx.user.workspaceId,
      cause: "agent.deleted",
      actor: { type: "user", id: ctx.user.id },
    });
    return { cancelledCalls: change.cancelledCalls.length };
  });
}

/** Sets (or clears) the configuration webhook; a new URL gets a new signing secret, shown once. */
export async function setAgentWebhook(
  ctx: UserContext,
  input: { agentId: string; webhookUrl: string | null },
): Promise<{ webhookSecret: string | null }> {
  const url = input.webhookUrl ? (await assertAllowedUpstreamUrl(input.webhookUrl)).toString() : null;
  const secret = url ? newSecretToken(32, "whsec_") : null;
  await ctx.db.transaction(async (tx) => {
    const agent = await loadAgent(tx, ctx.user.workspaceId, input.agentId);
    await tx
      .update(agents)
      .set({ webhookUrl: url, webhookSecretCiphertext: secret ? sealSecret(secret, webhookSecretContext(agent.id)) : null })
      .where(eq(agents.id, agent.id));
    await recordAudit(tx, {
      workspaceId: ctx.user.workspaceId,
      actorType: "user",
      actorId: ctx.user.id,
      action: "agent.webhook_changed",
      subjectType: "agent",
      subjectId: agent.id,
      data: { webhook: Boolean(url) },
    });
  });
  return { webhookSecret: secret };
}

/** The emergency stop: every agent call of the workspace is refused (403 agent_paused) while on. */
export async function setAllAgentsPaused(ctx: UserContext, input: { paused: boolean }): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await tx.update(workspaces).set({ agentsPaused: input.paused }).where(eq(workspaces.id, ctx.user.workspaceId));
    await recordAudit(tx, {
      workspaceId: ctx.user.workspaceId,
      actorType: "user",
      actorId: ctx.user.id,
      action: input.paused ? "workspace.agents_paused" : "workspace.agents_resumed",
    });
    await recordAccessChange(tx, {
      workspaceId: ctx.user.workspaceId,
      cause: input.paused ? "workspace.agents_paused" : "workspace.agents_resumed",
      actor: { type: "user", id: ctx.user.id },
    });
  });
}

export async function listAgents(ctx: UserContext) {
  const rows = await ctx.db
    .select()
    .from(agents)
    .where(and(eq(agents.workspaceId, ctx.user.workspaceId), isNull(agents.deletedAt)))
    .orderBy(asc(agents.name));
  const ids = rows.map((row) => row.id);
  const keys = ids.length
    ? await ctx.db
        .select({
          id: agentKeys.id,
          agentId: agentKeys.agentId,
          prefix: agentKeys.prefix,
          createdAt: agentKeys.createdAt,
          retiredAt: agentKeys.retiredAt,
          revokedAt: agentKeys.revokedAt,
          lastUsedAt: agentKeys.lastUsedAt,
        })
        .from(agentKeys)
        .where(inArray(agentKeys.agentId, ids))
        .orderBy(desc(agentKeys.createdAt))
    : [];
  const scopes = ids.length
    ? await ctx.db
        .select({ agentId: agentClients.agentId, clientId: agentClients.clientId, clientName: clients.name })
        .from(agentClients)
        .innerJoin(clients, eq(clients.id, agentClients.clientId))
        .where(inArray(agentClients.agentId, ids))
    : [];
  const toolLimits = ids.length ? await listAgentToolLimits(ctx, ids) : [];
  const [workspace] = await ctx.db
    .select({ agentsPaused: workspaces.agentsPaused })
    .from(workspaces)
    .where(eq(workspaces.id, ctx.user.workspaceId));
  return {
    allPaused: workspace?.agentsPaused ?? false,
    agents: rows.map((agent) => ({
      id: agent.id,
      name: agent.name,
      paused: agent.paused,
      allClients: agent.allClients,
      mspWide: agent.mspWide,
      webhookUrl: agent.webhookUrl,
      planMode: agent.planMode,
      callsPerMinute: agent.callsPerMinute,
      toolLimits: toolLimits.filter((limit) => limit.agentId === agent.id),
      createdAt: agent.createdAt,
      clients: scopes.filter((scope) => scope.agentId === agent.id).map(({ clientId, clientName }) => ({ id: clientId, name: clientName })),
      keys: keys.filter((key) => key.agentId === agent.id),
    })),
  };
}
