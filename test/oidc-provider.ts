import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

export type TestAccountClaims = {
  email?: string;
  email_verified?: boolean;
  name?: string;
  /** Entra-style tenant and object id, Google's hosted domain, Entra's "email domain owner verified". */
  tid?: string;
  oid?: string;
  hd?: string;
  xms_edov?: boolean;
};

export type TestOidcProvider = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The claims the account signed in as `login` gets (the dev login form takes any login name). */
  setAccount(login: string, claims: TestAccountClaims): void;
  close(): Promise<void>;
};

/**
 * A real OpenID Connect provider (`oidc-provider`) in this process, with its development login
 * and consent pages: authorization code + PKCE, ID tokens carrying the account's claims. One
 * confidential client, allowed to redirect to the given callback URLs.
 */
export async function startOidcProvider(options: { port?: number; redirectUris: string[] }): Promise<TestOidcProvider> {
  const accounts = new Map<string, TestAccountClaims>();
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = "toolgate-test";
  const clientSecret = "toolgate-test-client-secret-0123456789";
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    async findAccount(_context, id) {
      const claims = accounts.get(id);
      if (!claims) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
    },
    claims: { openid: ["sub", "tid", "oid", "hd", "xms_edov"], email: ["email", "email_verified"], profile: ["name"] },
    // The claims go in the ID token (what next-auth reads), not only at the userinfo endpoint.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ["toolgate-test-oidc-cookie-key-0123456789"] },
  });
  provider.on("server_error", (_context, error) => console.error("oidc-provider:", error));
  server.on("request", provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    setAccount: (login, claims) => accounts.set(login, claims),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
