import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "@/db";
import { newId } from "@/db/ids";
import { isUniqueViolation } from "@/db/results";
import {
  clients,
  demoDirectories,
  demoEvents,
  demoGroupMembers,
  demoGroups,
  demoUsers,
  integrations,
  tools,
  workspaces,
  type NewToolStart,
  type IntegrationConfig,
} from "@/db/schema";
import { recordAudit } from "../audit/record";
import { classify } from "../policy/classify";
import type { UserContext } from "../context";
import { ServiceError } from "../errors";
import { SLUG_PATTERN } from "../workspaces/slug";
import { connectorFor } from "./connectors";
import { UpstreamError, type ConnectionTarget, type DiscoveredTool, type IntegrationSecrets } from "./connectors/types";
import { sealIntegrationSecrets } from "./credentials";
import { provisionDemoDirectory } from "./demo-directory/provision";
import { DEMO_DATASETS } from "./demo-directory/sample-data";
import { countByPolicy, normaliseDiscoveredTools, refusedTools, seededToolRow } from "./seed-tools";
import { nameToolsForMcp } from "./mcp-names";
import { recordAccessChange } from "./toolset-version";
import { assertAllowedUpstreamUrl } from "./upstream-url";

export type ConnectionSettings =
  | { kind: "mcp"; url: string; authHeaderName?: string; authHeaderValue?: string }
  | { kind: "slack"; botToken: string; signingSecret?: string }
  | { kind: "demo_directory"; dataset: string }
  | { kind: "jira"; siteUrl: string; accountEmail: string; apiToken: string }
  | { kind: "connectwise"; siteUrl: string; companyId: string; clientId: string; publicKey: string; privateKey: string };

export type ConnectInput = {
  clientId: string | null;
  name: string;
  slug: string;
  settings: ConnectionSettings;
  /** How its tools start (as classified, all needing approval, all disabled); absent: the workspace's last choice. Remembered. */
  start?: NewToolStart;
};

/** The workspace's remembered choice for how a new integration's tools start. */
async function rememberedStart(db: Database, workspaceId: string): Promise<NewToolStart> {
  const [row] = await db.select({ start: workspaces.newToolStart }).from(workspaces).where(eq(workspaces.id, workspaceId));
  return row?.start ?? "classified";
}

export async function assertClientOfWorkspace(db: Database, workspaceId: string, clientId: string | null): Promise<void> {
  if (clientId === null) return;
  const [client] = await db
    .select({ id: clients.id })
    .from(clients)
    .where(and(eq(clients.id, clientId), eq(clients.workspaceId, workspaceId), isNull(clients.archivedAt)));
  if (!client) throw new ServiceError("not_found", "That client does not exist in this workspace (or is archived).");
}

async function assertSlugFree(db: Database, workspaceId: string, slug: string): Promise<void> {
  if (!SLUG_PATTERN.test(slug))
    throw new ServiceError("invalid_input", "The slug must be 1–40 lower-case letters, digits or dashes, starting with a letter or digit.");
  const [taken] = await db
    .select({ id: integrations.id })
    .from(integrations)
    .where(and(eq(integrations.workspaceId, workspaceId), eq(integrations.slug, slug)));
  if (taken) throw new ServiceError("conflict", `Another integration already uses the slug "${slug}".`);
}

/** Settings and secrets as stored, for an integration about to be connected or tested. */
async function targetFor(
  db: Database,
  workspaceId: string,
  integrationId: string,
  settings: ConnectionSettings,
): Promise<{ target: ConnectionTarget; config: IntegrationConfig; secrets: IntegrationSecrets; cleanup?: () => Promise<void> }> {
  switch (settings.kind) {
    case "mcp": {
      const url = await assertAllowedUpstreamUrl(settings.url);
      const headerName = settings.authHeaderName?.trim() || "Authorization";
      if (!/^[A-Za-z0-9-]{1,64}$/.test(headerName))
        throw new ServiceError("invalid_input", "The auth header name may only contain letters, digits and dashes.");
      const config: IntegrationConfig = { url: url.toString(), authHeaderName: headerName };
      const secrets: IntegrationSecrets = settings.authHeaderValue ? { authHeaderValue: settings.authHeaderValue } : {};
      return { target: { id: integrationId, kind: "mcp", config, secrets }, config, secrets };
    }
    case "slack": {
      if (!/^xox[bp]-/.test(settings.botToken.trim()))
        throw new ServiceError(
          "invalid_input",
          "A Slack bot token starts with xoxb- (create one under your Slack app's OAuth & Permissions).",
        );
      const secrets: IntegrationSecrets = {
        botToken: settings.botToken.trim(),
        ...(settings.signingSecret ? { signingSecret: settings.signingSecret.trim() } : {}),
      };
      return { target: { id: integrationId, kind: "slack", config: {}, secrets }, config: {}, secrets };
    }
    case "jira": {
      const url = await assertAllowedUpstreamUrl(settings.siteUrl);
      const config: IntegrationConfig = { siteUrl: url.origin, accountEmail: settings.accountEmail.trim() };
      const secrets: IntegrationSecrets = { apiToken: settings.apiToken.trim() };
      return { target: { id: integrationId, kind: "jira", config, secrets }, config, secrets };
    }
    case "connectwise": {
      const url = await assertAllowedUpstreamUrl(settings.siteUrl);
      const config: IntegrationConfig = { siteUrl: url.origin, companyId: settings.companyId.trim(), clientId: settings.clientId.trim() };
      const secrets: IntegrationSecrets = { publicKey: settings.publicKey.trim(), privateKey: settings.privateKey.trim() };
      return { target: { id: integrationId, kind: "connectwise", config, secrets }, config, secrets };
    }
    case "demo_directory": {
      const dataset = DEMO_DATASETS.find((candidate) => candidate.clientSlug === settings.dataset);
      if (!dataset) throw new ServiceError("invalid_input", `Unknown demo dataset "${settings.dataset}".`);
      const { directoryId, secret } = await provisionDemoDirectory(db, workspaceId, dataset);
      const config: IntegrationConfig = { directoryId };
      const secrets: IntegrationSecrets = { demoSecret: secret };
      return {
        target: { id: integrationId, kind: "demo_directory", config, secrets },
        config,
        secrets,
        cleanup: () => deleteDemoDirectory(db, directoryId),
      };
    }
  }
}

async function deleteDemoDirectory(db: Database, directoryId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(demoGroupMembers).where(eq(demoGroupMembers.directoryId, directoryId));
    await tx.delete(demoGroups).where(eq(demoGroups.directoryId, directoryId));
    await tx.delete(demoUsers).where(eq(demoUsers.directoryId, directoryId));
    await tx.delete(demoEvents).where(eq(demoEvents.directoryId, directoryId));
    await tx.delete(demoDirectories).where(eq(demoDirectories.id, directoryId));
  });
}

async function discover(target: ConnectionTarget): Promise<{ tools: DiscoveredTool[]; refused: Array<{ name: string; reason: string }> }> {
  try {
    const listed = await connectorFor(target).listTools();
    return { tools: normaliseDiscoveredTools(listed), refused: refusedTools(listed) };
  } catch (error) {
    if (error instanceof UpstreamError) throw new ServiceError("upstream_unreachable", error.message, { reason: error.reason });
    throw error;
  }
}

/**
 * Tests a connection without storing anything: reaches the upstream with the given settings and
 * lists its tools with the policy each would be seeded with.
 */
export async function testConnection({ db, user }: UserContext, settings: Exclude<ConnectionSettings, { kind: "demo_directory" }>) {
  const { target } = await targetFor(db, user.workspaceId, newId("integration"), settings);
  const { tools: discovered, refused } = await discover(target);
  return {
    toolCount: discovered.length,
    refused,
    /** The workspace's last choice of how new tools start, preselected in the preview. */
    start: await rememberedStart(db, user.workspaceId),
    tools: discovered.slice(0, 50).map((tool) => {
      const { policy, reason, managerApprovalSuggested, review } = classify(tool);
      return { name: tool.name, policy, reason, managerApprovalSuggested, review };
    }),
  };
}

/**
 * Connects an integration: discovers every tool (network, before any transaction), then stores
 * the integration, its tools with seeded default policies, one audit event with counts per
 * policy, and a toolset-version bump, all in one transaction. A failure stores nothing.
 */
export async function connectIntegration(
  ctx: UserContext,
  input: ConnectInput,
): Promise<{ integrationId: string; counts: Record<string, number>; toolCount: number; refused: Array<{ name: string; reason: string }> }> {
  const { db, user } = ctx;
  const slug = input.slug.trim();
  await assertSlugFree(db, user.workspaceId, slug);
  await assertClientOfWorkspace(db, user.workspaceId, input.clientId);
  const integrationId = newId("integration");
  const { target, config, secrets, cleanup } = await targetFor(db, user.workspaceId, integrationId, input.settings);
  try {
    const { tools: discovered, refused } = await discover(target);
    const start = input.start ?? (await rememberedStart(db, user.workspaceId));
    return await db.transaction(async (tx) => {
      if (input.start) await tx.update(workspaces).set({ newToolStart: input.start }).where(eq(workspaces.id, user.workspaceId));
      await tx.insert(integrations).values({
        id: integrationId,
        workspaceId: user.workspaceId,
        clientId: input.clientId,
        kind: input.settings.kind,
        slug,
        name: input.name.trim(),
        config,
        secretCiphertext: Object.keys(secrets).length ? sealIntegrationSecrets(integrationId, secrets) : null,
        lastSyncedAt: new Date(),
      });
      const rows = discovered.map((tool) => seededToolRow(user.workspaceId, integrationId, tool, start));
      if (rows.length) await tx.insert(tools).values(rows);
      await nameToolsForMcp(tx, user.workspaceId);
      const counts = countByPolicy(rows);
      await recordAudit(tx, {
        workspaceId: user.workspaceId,
        actorType: "user",
        actorId: user.id,
        action: "integration.connected",
        clientId: input.clientId,
        subjectType: "integration",
        subjectId: integrationId,
        data: { kind: input.settings.kind, slug, toolCount: rows.length, seeded: counts, refused, start },
      });
      await recordAccessChange(tx, { workspaceId: user.workspaceId, cause: "integration.connected", actor: { type: "user", id: user.id } });
      return { integrationId, counts, toolCount: rows.length, refused };
    });
  } catch (error) {
    await cleanup?.();
    if (isUniqueViolation(error)) throw new ServiceError("conflict", `Another integration already uses the slug "${slug}".`);
    throw error;
  }
}
