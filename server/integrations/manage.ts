import type { AuditAction } from "../audit/actions";
import { and, eq, sql } from "drizzle-orm";
import { integrations, type IntegrationStatus } from "@/db/schema";
import { recordAudit } from "../audit/record";
import type { UserContext } from "../context";
import { ServiceError } from "../errors";
import { connectorFor } from "./connectors";
import { UpstreamError, type IntegrationSecrets } from "./connectors/types";
import { openIntegrationSecrets, sealIntegrationSecrets } from "./credentials";
import { loadIntegration } from "./load";
import { recordAccessChange } from "./toolset-version";
import { assertAllowedUpstreamUrl } from "./upstream-url";

const STATUS_ACTIONS: Record<IntegrationStatus, AuditAction> = {
  active: "integration.resumed",
  paused: "integration.paused",
  disconnected: "integration.disconnected",
};

/**
 * Pauses (every call refused with integration_paused, tools hidden), resumes, or disconnects
 * (tools kept for history, hidden) an integration, bumping the toolset version so agents learn of it.
 */
export async function setIntegrationStatus(
  { db, user }: UserContext,
  input: { integrationId: string; status: IntegrationStatus },
): Promise<void> {
  const integration = await loadIntegration(db, user.workspaceId, input.integrationId);
  if (integration.status === input.status) return;
  await db.transaction(async (tx) => {
    await tx
      .update(integrations)
      .set({ status: input.status, revision: sql`${integrations.revision} + 1` })
      .where(and(eq(integrations.id, integration.id), eq(integrations.workspaceId, user.workspaceId)));
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      actorType: "user",
      actorId: user.id,
      action: STATUS_ACTIONS[input.status],
      clientId: integration.clientId,
      subjectType: "integration",
      subjectId: integration.id,
      data: { from: integration.status, to: input.status },
    });
    await recordAccessChange(tx, {
      workspaceId: user.workspaceId,
      cause: STATUS_ACTIONS[input.status],
      actor: { type: "user", id: user.id },
    });
  });
}

/** True when a credential stored for `from` would go to another origin (scheme, host or port) at `to`. */
function movesCredential(from: string | undefined, to: string): boolean {
  if (!from) return true;
  try {
    return new URL(from).origin !== new URL(to).origin;
  } catch {
    return true;
  }
}

export type IntegrationEdit = {
  integrationId: string;
  name?: string;
  url?: string;
  authHeaderName?: string;
  /** New credentials; fields left out keep their stored value. */
  credentials?: { authHeaderValue?: string; botToken?: string; signingSecret?: string };
};

/**
 * Edits settings or rotates credentials. New settings are tested against the upstream before they
 * are stored, so a typo in a URL or token cannot break a working integration.
 */
export async function updateIntegration({ db, user }: UserContext, input: IntegrationEdit): Promise<void> {
  const integration = await loadIntegration(db, user.workspaceId, input.integrationId);
  const config = { ...integration.config };
  const secrets: IntegrationSecrets = { ...openIntegrationSecrets(integration) };
  if (input.url !== undefined) {
    if (integration.kind !== "mcp") throw new ServiceError("invalid_input", "Only MCP integrations have a URL.");
    config.url = (await assertAllowedUpstreamUrl(input.url)).toString();
    // The stored credential was given for the old host: it never follows the URL to a new one.
    if (movesCredential(integration.config.url, config.url) && secrets.authHeaderValue && !input.credentials?.authHeaderValue?.trim()) {
      throw new ServiceError(
        "invalid_input",
        `The URL now points at ${new URL(config.url).host}: enter the credential again (the auth header value) so the stored one is never sent to a new host.`,
        { field: "authHeaderValue" },
      );
    }
  }
  if (input.authHeaderName !== undefined) config.authHeaderName = input.authHeaderName.trim() || "Authorization";
  const rotated: string[] = [];
  for (const [key, value] of Object.entries(input.credentials ?? {}) as Array<[keyof IntegrationSecrets, string | undefined]>) {
    if (value === undefined || value === "") continue;
    secrets[key] = value.trim();
    rotated.push(key);
  }
  const connectionChanged = input.url !== undefined || input.authHeaderName !== undefined || rotated.length > 0;
  if (connectionChanged) {
    try {
      await connectorFor({ id: integration.id, kind: integration.kind, config, secrets }).listTools();
    } catch (error) {
      if (error instanceof UpstreamError)
        throw new ServiceError("upstream_unreachable", `The new settings do not work, so nothing was saved: ${error.message}`);
      throw error;
    }
  }
  await db.transaction(async (tx) => {
    await tx
      .update(integrations)
      .set({
        ...(input.name ? { name: input.name.trim() } : {}),
        config,
        ...(rotated.length ? { secretCiphertext: sealIntegrationSecrets(integration.id, secrets) } : {}),
      })
      .where(and(eq(integrations.id, integration.id), eq(integrations.workspaceId, user.workspaceId)));
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      actorType: "user",
      actorId: user.id,
      action: rotated.length ? "integration.credentials_rotated" : "integration.updated",
      clientId: integration.clientId,
      subjectType: "integration",
      subjectId: integration.id,
      // Which credentials changed, never their values.
      data: { rotated, urlChanged: input.url !== undefined, nameChanged: input.name !== undefined },
    });
  });
}
