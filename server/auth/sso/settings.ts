import { and, eq, isNotNull } from "drizzle-orm";
import { userIdentities, users, workspaces, workspaceSso, type SsoKind } from "@/db/schema";
import { recordAudit } from "../../audit/record";
import type { UserContext } from "../../context";
import { sealSecret } from "../../crypto/secret-box";
import { getEnv } from "../../env";
import { isServiceError, ServiceError } from "../../errors";
import { isEmailDomain, resolveIssuer } from "./claims";
import { loadSsoConfig, normaliseDomains, ssoProviderId, ssoSecretContext } from "./config";
import { discoverIssuer } from "./guarded-fetch";

/** The Single sign-on page: the configuration (never the secret), whether it works, and the password switch. */
export async function getSsoSettings({ db, user }: UserContext) {
  const [workspace] = await db.select().from(workspaces).where(eq(workspaces.id, user.workspaceId));
  const [row] = await db.select().from(workspaceSso).where(eq(workspaceSso.workspaceId, user.workspaceId));
  const active = await loadSsoConfig(db, user.workspaceId).catch(() => null);
  const [signedIn] = active
    ? await db
        .select({ id: userIdentities.id })
        .from(userIdentities)
        .where(
          and(
            eq(userIdentities.workspaceId, user.workspaceId),
            eq(userIdentities.issuer, active.issuer),
            isNotNull(userIdentities.lastSignInAt),
          ),
        )
        .limit(1)
    : [];
  const admins = await db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(and(eq(users.workspaceId, user.workspaceId), eq(users.role, "admin"), eq(users.active, true), isNotNull(users.passwordHash)));
  return {
    source: active?.source ?? (row ? "settings" : null),
    kind: active?.kind ?? row?.kind ?? null,
    issuer: active?.issuer ?? row?.issuer ?? "",
    tenant: active?.tenant ?? row?.tenant ?? "",
    clientId: active?.clientId ?? row?.clientId ?? "",
    clientSecretSet: Boolean(active?.clientSecret ?? row?.clientSecretCiphertext),
    allowedDomains: active?.allowedDomains ?? row?.allowedDomains ?? [],
    enabled: active !== null,
    callbackUrl: `${getEnv().publicUrl}/api/auth/callback/${ssoProviderId(workspace!.slug)}`,
    /** Someone has signed in through it: password sign-in may be turned off. */
    working: Boolean(signedIn),
    passwordSignIn: workspace!.passwordSignIn,
    breakGlassUserId: workspace!.breakGlassUserId,
    breakGlassCandidates: admins,
  };
}

export type SsoSettingsInput = {
  kind: SsoKind;
  issuer?: string;
  tenant?: string;
  clientId: string;
  /** Omitted: keep the stored one. */
  clientSecret?: string;
  allowedDomains: string[];
  enabled: boolean;
};

/**
 * Saves the workspace's SSO after checking it: a tenant-specific issuer whose OpenID configuration
 * (and JWKS URL) pass the outbound-address guard and name that issuer; the client secret encrypted
 * at rest. Refused while the environment configures SSO, and turning SSO off is refused while
 * password sign-in is off (it would lock everyone but the break-glass admin out).
 */
export async function saveSsoSettings({ db, user }: UserContext, input: SsoSettingsInput): Promise<void> {
  const current = await loadSsoConfig(db, user.workspaceId).catch(() => null);
  if (current?.source === "environment")
    throw new ServiceError("conflict", "Single sign-on is configured by environment variables (TOOLGATE_SSO_*): change it there.");
  const resolved = resolveIssuer(input.kind, input);
  if ("problem" in resolved) throw new ServiceError("invalid_input", resolved.problem);
  const domains = normaliseDomains(input.allowedDomains);
  const badDomain = domains.find((domain) => !isEmailDomain(domain));
  if (badDomain) throw new ServiceError("invalid_input", `"${badDomain}" is not an e-mail domain (e.g. msp.example).`);
  if (domains.length === 0) throw new ServiceError("invalid_input", "Enter at least one e-mail domain whose people may sign in.");
  const [workspace] = await db.select().from(workspaces).where(eq(workspaces.id, user.workspaceId));
  if (!input.enabled && !workspace!.passwordSignIn)
    throw new ServiceError("conflict", "Turn password sign-in back on before turning single sign-on off.");
  const [existing] = await db.select().from(workspaceSso).where(eq(workspaceSso.workspaceId, user.workspaceId));
  if (!input.clientSecret && !existing) throw new ServiceError("invalid_input", "Enter the client secret.");
  if (input.enabled) {
    try {
      await discoverIssuer(resolved.issuer);
    } catch (error) {
      const reason = isServiceError(error) ? error.message : error instanceof Error ? error.message : String(error);
      throw new ServiceError("invalid_input", `The issuer ${resolved.issuer} could not be checked: ${reason}`);
    }
  }
  const values = {
    kind: input.kind,
    issuer: resolved.issuer,
    tenant: resolved.tenant,
    clientId: input.clientId.trim(),
    allowedDomains: domains,
    enabled: input.enabled,
    ...(input.clientSecret ? { clientSecretCiphertext: sealSecret(input.clientSecret, ssoSecretContext(user.workspaceId)) } : {}),
  };
  await db.transaction(async (tx) => {
    if (existing) await tx.update(workspaceSso).set(values).where(eq(workspaceSso.workspaceId, user.workspaceId));
    else await tx.insert(workspaceSso).values({ workspaceId: user.workspaceId, clientSecretCiphertext: "", ...values });
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      actorType: "user",
      actorId: user.id,
      action: "workspace.sso_changed",
      data: {
        kind: input.kind,
        issuer: resolved.issuer,
        allowedDomains: domains,
        enabled: input.enabled,
        clientSecretChanged: Boolean(input.clientSecret),
      },
    });
  });
}

/**
 * Turns password sign-in on or off for the workspace. Off needs single sign-on that works (someone
 * has signed in through it) and a break-glass admin — active, with a password — who keeps theirs.
 */
export async function setPasswordSignIn(ctx: UserContext, input: { enabled: boolean; breakGlassUserId?: string | null }): Promise<void> {
  const { db, user } = ctx;
  if (!input.enabled) {
    const settings = await getSsoSettings(ctx);
    if (!settings.enabled || !settings.working)
      throw new ServiceError("conflict", "Set up single sign-on and sign in through it once before turning password sign-in off.");
    if (!settings.breakGlassCandidates.some((admin) => admin.id === input.breakGlassUserId))
      throw new ServiceError("invalid_input", "Choose a break-glass admin: an active admin with a password, who keeps password sign-in.");
  }
  await db.transaction(async (tx) => {
    await tx
      .update(workspaces)
      .set({ passwordSignIn: input.enabled, breakGlassUserId: input.enabled ? null : (input.breakGlassUserId ?? null) })
      .where(eq(workspaces.id, user.workspaceId));
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      actorType: "user",
      actorId: user.id,
      action: input.enabled ? "workspace.password_sign_in_on" : "workspace.password_sign_in_off",
      data: input.enabled ? {} : { breakGlassUserId: input.breakGlassUserId },
    });
  });
}
