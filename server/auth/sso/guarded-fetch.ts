import { assertAllowedUpstreamUrl } from "../../integrations/upstream-url";
import { outboundFetch } from "../../net/outbound-fetch";

/**
 * fetch for everything single sign-on requests from an identity provider (discovery at the
 * issuer, JWKS, token and userinfo endpoints): each URL first passes the outbound-address guard,
 * and redirects are not followed (a redirect could lead past the guard).
 */
export async function guardedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const url = input instanceof Request ? input.url : input.toString();
  await assertAllowedUpstreamUrl(url); // the outbound-address guard (SSRF)
  return outboundFetch(input, { ...init, redirect: "error" });
}

export type DiscoveryDocument = { issuer: string; jwks_uri: string; authorization_endpoint: string; token_endpoint: string };

/**
 * Reads the issuer's OpenID configuration through the guard and checks it before a configuration
 * is saved: the document names the same issuer, and its JWKS URL passes the guard too.
 */
export async function discoverIssuer(issuer: string): Promise<DiscoveryDocument> {
  const response = await guardedFetch(`${issuer}/.well-known/openid-configuration`, { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`the issuer's OpenID configuration answered HTTP ${response.status}`);
  const document = (await response.json()) as Partial<DiscoveryDocument>;
  if (document.issuer !== issuer) throw new Error(`the OpenID configuration names the issuer ${String(document.issuer)}, not ${issuer}`);
  if (!document.jwks_uri || !document.authorization_endpoint || !document.token_endpoint)
    throw new Error("the OpenID configuration lacks jwks_uri, authorization_endpoint or token_endpoint");
  await assertAllowedUpstreamUrl(document.jwks_uri); // the outbound-address guard, for the JWKS URL
  return document as DiscoveryDocument;
}
