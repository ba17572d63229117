import { eq } from "drizzle-orm";
import type { Database } from "@/db";
import { workspaces, workspaceSso, type SsoKind } from "@/db/schema";
import { openSecret } from "../../crypto/secret-box";
import { getEnv } from "../../env";
import { resolveIssuer, type SsoConfig } from "./claims";

export const ssoSecretContext = (workspaceId: string) => `sso:${workspaceId}`;

/** next-auth's provider id for a workspace's SSO: its callback is /api/auth/callback/<id>. */
export const ssoProviderId = (workspaceSlug: string) => `sso-${workspaceSlug}`;

/** Allowed domains as stored: lower-case, without "@", no duplicates. */
export function normaliseDomains(domains: string[]): string[] {
  return [...new Set(domains.map((domain) => domain.trim().toLowerCase().replace(/^@/, "")).filter(Boolean))];
}

/**
 * Single sign-on from the environment, for a single-workspace install: TOOLGATE_SSO_KIND,
 * TOOLGATE_SSO_TENANT or TOOLGATE_SSO_ISSUER, TOOLGATE_SSO_CLIENT_ID, TOOLGATE_SSO_CLIENT_SECRET,
 * TOOLGATE_SSO_ALLOWED_DOMAINS (comma-separated) and, with several workspaces, TOOLGATE_SSO_WORKSPACE.
 */
async function environmentConfig(db: Database): Promise<SsoConfig | null> {
  const env = getEnv();
  if (!env.TOOLGATE_SSO_KIND) return null;
  const all = await db.select({ id: workspaces.id, slug: workspaces.slug }).from(workspaces);
  const workspace = env.TOOLGATE_SSO_WORKSPACE
    ? all.find((entry) => entry.slug === env.TOOLGATE_SSO_WORKSPACE)
    : all.length === 1
      ? all[0]
      : undefined;
  if (!workspace) return null;
  const resolved = resolveIssuer(env.TOOLGATE_SSO_KIND, { issuer: env.TOOLGATE_SSO_ISSUER, tenant: env.TOOLGATE_SSO_TENANT });
  if ("problem" in resolved) throw new Error(`TOOLGATE_SSO_*: ${resolved.problem}`);
  return {
    workspaceId: workspace.id,
    workspaceSlug: workspace.slug,
    kind: env.TOOLGATE_SSO_KIND,
    ...resolved,
    clientId: env.TOOLGATE_SSO_CLIENT_ID ?? "",
    clientSecret: env.TOOLGATE_SSO_CLIENT_SECRET ?? "",
    allowedDomains: normaliseDomains((env.TOOLGATE_SSO_ALLOWED_DOMAINS ?? "").split(",")),
    source: "environment",
  };
}

type Row = {
  workspaceId: string;
  slug: string;
  kind: SsoKind;
  issuer: string;
  tenant: string;
  clientId: string;
  clientSecretCiphertext: string;
  allowedDomains: string[];
  enabled: boolean;
};

function fromRow(row: Row): SsoConfig {
  return {
    workspaceId: row.workspaceId,
    workspaceSlug: row.slug,
    kind: row.kind,
    issuer: row.issuer,
    tenant: row.tenant,
    clientId: row.clientId,
    clientSecret: openSecret<string>(row.clientSecretCiphertext, ssoSecretContext(row.workspaceId)),
    allowedDomains: row.allowedDomains,
    source: "settings",
  };
}

const selectRow = {
  workspaceId: workspaceSso.workspaceId,
  slug: workspaces.slug,
  kind: workspaceSso.kind,
  issuer: workspaceSso.issuer,
  tenant: workspaceSso.tenant,
  clientId: workspaceSso.clientId,
  clientSecretCiphertext: workspaceSso.clientSecretCiphertext,
  allowedDomains: workspaceSso.allowedDomains,
  enabled: workspaceSso.enabled,
};

/** The workspace's SSO (the environment's wins for its workspace), or null when it has none or it is off. */
export async function loadSsoConfig(db: Database, workspaceId: string): Promise<SsoConfig | null> {
  const fromEnv = await environmentConfig(db);
  if (fromEnv?.workspaceId === workspaceId) return fromEnv;
  const [row] = await db
    .select(selectRow)
    .from(workspaceSso)
    .innerJoin(workspaces, eq(workspaces.id, workspaceSso.workspaceId))
    .where(eq(workspaceSso.workspaceId, workspaceId));
  return row?.enabled ? fromRow(row) : null;
}

/** The SSO behind a next-auth provider id (`sso-<workspace slug>`), or null. */
export async function ssoConfigForProvider(db: Database, providerId: string): Promise<SsoConfig | null> {
  if (!providerId.startsWith("sso-")) return null;
  const [workspace] = await db
    .select({ id: workspaces.id })
    .from(workspaces)
    .where(eq(workspaces.slug, providerId.slice(4)));
  return workspace ? loadSsoConfig(db, workspace.id) : null;
}

/** The SSO whose allowed domains include the e-mail's domain: how the sign-in page finds a workspace. */
export async function ssoConfigForEmail(db: Database, email: string): Promise<SsoConfig | null> {
  const domain = email.trim().toLowerCase().split("@")[1];
  if (!domain) return null;
  const fromEnv = await environmentConfig(db);
  if (fromEnv?.allowedDomains.includes(domain)) return fromEnv;
  const rows = await db
    .select(selectRow)
    .from(workspaceSso)
    .innerJoin(workspaces, eq(workspaces.id, workspaceSso.workspaceId))
    .where(eq(workspaceSso.enabled, true));
  const row = rows.find((candidate) => candidate.allowedDomains.includes(domain) && candidate.workspaceId !== fromEnv?.workspaceId);
  return row ? fromRow(row) : null;
}
