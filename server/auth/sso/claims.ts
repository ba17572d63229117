import type { SsoKind } from "@/db/schema";

/** A workspace's single sign-on as sign-in uses it (the client secret decrypted). */
export type SsoConfig = {
  workspaceId: string;
  workspaceSlug: string;
  kind: SsoKind;
  issuer: string;
  tenant: string;
  clientId: string;
  clientSecret: string;
  allowedDomains: string[];
  source: "settings" | "environment";
};

/** Who the identity provider says signed in, bound by issuer + tenant + subject. */
export type SsoIdentity = {
  issuer: string;
  tenant: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
};

export const SSO_KIND_LABELS: Record<SsoKind, string> = {
  entra: "Microsoft Entra ID",
  google: "Google Workspace",
  oidc: "OpenID Connect",
};

export const GOOGLE_ISSUER = "https://accounts.google.com";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** Entra's v2.0 issuer of one directory (tenant). */
export function entraIssuer(tenantId: string): string {
  return `https://login.microsoftonline.com/${tenantId.toLowerCase()}/v2.0`;
}

export function isEmailDomain(value: string): boolean {
  return DOMAIN.test(value);
}

/** Issuers that serve many tenants: anyone with an account anywhere could sign in through them. */
function isMultiTenantIssuer(issuer: string): boolean {
  return /\/(common|organizations|consumers)(\/|$)/i.test(new URL(issuer).pathname) || /\{tenantid\}/i.test(issuer);
}

/**
 * The issuer a configuration signs in through, or why it cannot be used: Entra needs its directory
 * (tenant) id, Google its Workspace domain, a generic issuer an https URL of one tenant. Never a
 * multi-tenant issuer (Entra's common, organizations, consumers).
 */
export function resolveIssuer(
  kind: SsoKind,
  input: { issuer?: string; tenant?: string },
): { issuer: string; tenant: string } | { problem: string } {
  const tenant = (input.tenant ?? "").trim().toLowerCase();
  if (kind === "entra") {
    if (!GUID.test(tenant))
      return { problem: "Enter the Directory (tenant) ID of your Entra tenant, a GUID like 72f988bf-86f1-41af-91ab-2d7cd011db47." };
    return { issuer: entraIssuer(tenant), tenant };
  }
  if (kind === "google") {
    if (!DOMAIN.test(tenant)) return { problem: "Enter your Google Workspace domain, e.g. msp.example (only its accounts can sign in)." };
    return { issuer: GOOGLE_ISSUER, tenant };
  }
  const raw = (input.issuer ?? "").trim().replace(/\/$/, "");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: `"${raw}" is not a URL: enter the issuer, e.g. https://login.example.com/realms/msp.` };
  }
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) return { problem: "The issuer must be an https URL." };
  if (isMultiTenantIssuer(raw) || /login\.microsoftonline\.com$/i.test(url.hostname))
    return { problem: "Use a tenant-specific issuer: for Microsoft Entra ID choose that kind and enter your tenant id." };
  if (url.hostname === "accounts.google.com") return { problem: "For Google choose the Google Workspace kind and enter your domain." };
  return { issuer: raw, tenant: "" };
}

const text = (value: unknown): string | null => (typeof value === "string" && value.length > 0 ? value : null);

/**
 * Reads the identity from validated ID-token claims, or says why it is refused. Entra: the tenant
 * (`tid`) must be the configured one, the subject is the object id (`oid`), and an e-mail counts
 * as verified when `email_verified` or `xms_edov` (domain owner verified) is true. Google: the
 * Workspace domain (`hd`) must be the configured one. The e-mail is never the binding.
 */
export function identityFromClaims(
  config: SsoConfig,
  claims: Record<string, unknown>,
): SsoIdentity | { refused: "wrong_tenant" | "no_subject" } {
  if (claims.iss !== config.issuer) return { refused: "wrong_tenant" };
  let tenant = "";
  let subject = text(claims.sub);
  let emailVerified = claims.email_verified === true;
  if (config.kind === "entra") {
    if (String(claims.tid ?? "").toLowerCase() !== config.tenant) return { refused: "wrong_tenant" };
    tenant = config.tenant;
    subject = text(claims.oid);
    emailVerified ||= claims.xms_edov === true;
  } else if (config.kind === "google") {
    if (String(claims.hd ?? "").toLowerCase() !== config.tenant) return { refused: "wrong_tenant" };
    tenant = config.tenant;
  } else if (text(claims.tid)) {
    tenant = String(claims.tid);
  }
  if (!subject) return { refused: "no_subject" };
  const email = text(claims.email)?.trim().toLowerCase() ?? null;
  return { issuer: config.issuer, tenant, subject, email, emailVerified, name: text(claims.name) };
}
