import { eq } from "drizzle-orm";
import { clients, users, workspaces } from "@/db/schema";
import type { UserContext } from "../context";
import { openIntegrationSecrets } from "./credentials";
import { loadIntegration } from "./load";

/**
 * An integration as its detail page shows it. Credentials are reported only as "set or not":
 * secrets never go back to the browser.
 */
export async function getIntegrationDetail(ctx: UserContext, input: { integrationId: string }) {
  const integration = await loadIntegration(ctx.db, ctx.user.workspaceId, input.integrationId);
  const [client] = integration.clientId
    ? await ctx.db.select({ name: clients.name }).from(clients).where(eq(clients.id, integration.clientId))
    : [];
  const [workspace] = await ctx.db
    .select({ toolsetVersion: workspaces.toolsetVersion, toolsetChangedAt: workspaces.toolsetChangedAt })
    .from(workspaces)
    .where(eq(workspaces.id, ctx.user.workspaceId));
  const [savedBy] = integration.lastSavedByUserId
    ? await ctx.db.select({ name: users.name }).from(users).where(eq(users.id, integration.lastSavedByUserId))
    : [];
  const secrets = openIntegrationSecrets(integration);
  return {
    id: integration.id,
    kind: integration.kind,
    slug: integration.slug,
    mcpPrefix: integration.mcpPrefix,
    name: integration.name,
    status: integration.status,
    clientId: integration.clientId,
    clientName: client?.name ?? null,
    url: integration.kind === "mcp" ? (integration.config.url ?? null) : null,
    authHeaderName: integration.config.authHeaderName ?? null,
    credentialsSet: {
      authHeaderValue: Boolean(secrets.authHeaderValue),
      botToken: Boolean(secrets.botToken),
      signingSecret: Boolean(secrets.signingSecret),
    },
    revision: integration.revision,
    policiesReviewedAt: integration.policiesReviewedAt,
    lastSavedAt: integration.lastSavedAt,
    lastSavedByName: savedBy?.name ?? null,
    lastSyncedAt: integration.lastSyncedAt,
    lastSyncError: integration.lastSyncError,
    toolsetVersion: workspace!.toolsetVersion,
    toolsetChangedAt: workspace!.toolsetChangedAt,
  };
}

export type IntegrationDetail = Awaited<ReturnType<typeof getIntegrationDetail>>;
