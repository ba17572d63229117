import { and, asc, eq, isNull } from "drizzle-orm";
import type { Executor } from "@/db";
import { integrations, workspaces, type IntegrationRow } from "@/db/schema";
import { openSecret } from "../../crypto/secret-box";
import { openIntegrationSecrets } from "../../integrations/credentials";
import { smtpSecretContext } from "../../workspaces/settings";

/** The workspace's Slack app for approvals: its first active MSP-wide Slack integration. */
export async function approvalSlackApp(
  db: Executor,
  workspaceId: string,
): Promise<{ integration: IntegrationRow; botToken: string; signingSecret: string | null } | null> {
  const [integration] = await db
    .select()
    .from(integrations)
    .where(
      and(
        eq(integrations.workspaceId, workspaceId),
        eq(integrations.kind, "slack"),
        eq(integrations.status, "active"),
        isNull(integrations.clientId),
      ),
    )
    .orderBy(asc(integrations.createdAt))
    .limit(1);
  if (!integration) return null;
  const secrets = openIntegrationSecrets(integration);
  return secrets.botToken ? { integration, botToken: secrets.botToken, signingSecret: secrets.signingSecret ?? null } : null;
}

/** The connected ticketing integration for a ticket system (MSP-wide first, else the client's). */
export async function ticketingIntegration(
  db: Executor,
  workspaceId: string,
  system: "jira" | "connectwise",
  clientId: string | null,
): Promise<IntegrationRow | null> {
  const rows = await db
    .select()
    .from(integrations)
    .where(and(eq(integrations.workspaceId, workspaceId), eq(integrations.kind, system), eq(integrations.status, "active")))
    .orderBy(asc(integrations.createdAt));
  return rows.find((row) => row.clientId === null) ?? rows.find((row) => row.clientId === clientId) ?? null;
}

export async function workspaceSmtp(db: Executor, workspaceId: string) {
  const [workspace] = await db
    .select({ smtp: workspaces.smtpSettings, password: workspaces.smtpPasswordCiphertext })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  if (!workspace?.smtp) return null;
  return {
    ...workspace.smtp,
    password: workspace.password ? openSecret<string>(workspace.password, smtpSecretContext(workspaceId)) : null,
  };
}
