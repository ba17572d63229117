import { customFetch } from "next-auth";
import type { OIDCConfig } from "next-auth/providers";
import type { Database } from "@/db";
import { SSO_KIND_LABELS, type SsoConfig } from "./claims";
import { ssoConfigForProvider, ssoProviderId } from "./config";
import { guardedFetch } from "./guarded-fetch";

/**
 * A workspace's SSO as a next-auth OpenID Connect provider: authorization code with PKCE, state and
 * nonce; every request to the identity provider through the outbound-address guard. The profile is
 * only what next-auth needs; who may sign in is decided in signInWithSso (the signIn callback).
 */
export function ssoProvider(config: SsoConfig): OIDCConfig<Record<string, unknown>> {
  return {
    id: ssoProviderId(config.workspaceSlug),
    name: SSO_KIND_LABELS[config.kind],
    type: "oidc",
    issuer: config.issuer,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    checks: ["pkce", "state", "nonce"],
    authorization: { params: { scope: "openid email profile" } },
    profile(claims) {
      return {
        id: String(claims.oid ?? claims.sub),
        email: typeof claims.email === "string" ? claims.email : null,
        name: typeof claims.name === "string" ? claims.name : null,
      };
    },
    [customFetch]: guardedFetch,
  };
}

/**
 * The SSO provider an auth request is for (`/api/auth/signin/sso-<slug>` or
 * `/api/auth/callback/sso-<slug>`), loaded fresh from the database; none for other requests.
 */
export async function ssoProvidersForRequest(db: Database, request: Request | undefined): Promise<OIDCConfig<Record<string, unknown>>[]> {
  if (!request) return [];
  const providerId = new URL(request.url).pathname.match(/\/api\/auth\/(?:signin|callback)\/(sso-[a-z0-9-]+)$/)?.[1];
  if (!providerId) return [];
  const config = await ssoConfigForProvider(db, providerId);
  return config ? [ssoProvider(config)] : [];
}
