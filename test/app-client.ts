/**
 * Talking to a running app over HTTP as a signed-in admin: the proof suite, the agent-client suite
 * and `npm run bench` all drive production servers this way, through the typed tRPC client below
 * (the browser's own transport: superjson, so Dates and Maps survive the wire).
 */
import { createTRPCClient, httpLink, type TRPCClient } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "@/server/api/root";
import { policyChanges, type WorldPolicies } from "./world-policies";

export type { PolicyChoice, WorldPolicies } from "./world-policies";

/** An admin's session cookie, from next-auth's credentials endpoint. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const cookies = csrf.headers.getSetCookie().map((cookie) => cookie.split(";")[0]);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies.join("; ") },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: "/" }),
  });
  const session = response.headers.getSetCookie().find((cookie) => cookie.includes("session-token"));
  if (!session) throw new Error(`sign-in as ${email} failed (${response.status})`);
  return session.split(";")[0]!;
}

/** The app's tRPC API, typed by its router. */
export type AppClient = TRPCClient<AppRouter>;

/**
 * A typed tRPC client of the app at `baseUrl`, signed in with `cookie` (from `signIn`):
 * `await api.clients.create.mutate({ name })`, `await api.policies.tools.query({ integrationId })`.
 * A procedure's error rejects with a `TRPCClientError` carrying the server's message and
 * `data.httpStatus`. One request per call (no batching), as a test or benchmark expects.
 */
export function appClient(baseUrl: string, cookie: string): AppClient {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${baseUrl}/api/trpc`, transformer: superjson, headers: { cookie } })],
  });
}

/** An MCP server for an integration over HTTP: its URL and the header the integration sends it. */
export type HttpUpstream = { url: string; authHeaderName?: string; authHeaderValue?: string };

export type AgentScope = { allClients: boolean; clientIds: string[]; mspWide: boolean };
/** Every client and the MSP itself. */
export const ALL_CLIENTS: AgentScope = { allClients: true, clientIds: [], mspWide: true };

/**
 * Connects `upstream` as integration `slug` (the client's, or the MSP's when `clientId` is null or
 * absent), lists its tools, reads the revision and saves `policies` (by tool name, `"*"` for the
 * rest) — what an admin does on the Integrations pages. `setPolicies` saves more later.
 */
export async function connectOverHttp(
  api: AppClient,
  options: { upstream: HttpUpstream; slug: string; name?: string; clientId?: string | null; policies?: WorldPolicies },
) {
  const { integrationId } = await api.integrations.connect.mutate({
    clientId: options.clientId ?? null,
    name: options.name ?? options.slug,
    slug: options.slug,
    settings: {
      kind: "mcp",
      url: options.upstream.url,
      authHeaderName: options.upstream.authHeaderName,
      authHeaderValue: options.upstream.authHeaderValue,
    },
  });
  const tools = await api.policies.tools.query({ integrationId });
  /** Saves policies by tool name at the integration's current revision, as the policy editor does. */
  const setPolicies = async (policies: WorldPolicies) => {
    const { revision } = await api.integrations.get.query({ integrationId });
    return api.policies.save.mutate({ integrationId, revision, changes: policyChanges(tools, policies) });
  };
  if (options.policies) await setPolicies(options.policies);
  return { id: integrationId, slug: options.slug, tools, setPolicies };
}

export type HttpIntegration = Awaited<ReturnType<typeof connectOverHttp>>;

/** A new agent (`scope` defaults to every client and the MSP) and its key, as the Agents page creates them. */
export function createAgentOverHttp(api: AppClient, name: string, scope: AgentScope = ALL_CLIENTS) {
  return api.agents.create.mutate({ name, scope });
}

/**
 * The over-HTTP test world on a running app, as its admin (`api` from `appClient`): an MCP
 * integration connected to `upstream` with `policies` saved (see `connectOverHttp`), and an agent
 * with a key allowed everywhere (or in `agent.scope`). The in-process twin is `seedWorld` (test/world.ts).
 *
 *     const api = appClient(app.url, await signIn(app.url, email, password));
 *     const world = await seedWorldOverHttp(api, { upstream, slug: "dir", policies: { "*": "approval_needed" } });
 *     await fetch(`${app.url}/api/gateway`, { headers: { authorization: `Bearer ${world.agent.key}` }, … });
 */
export async function seedWorldOverHttp(
  api: AppClient,
  options: Parameters<typeof connectOverHttp>[1] & { agent?: { name?: string; scope?: AgentScope } },
) {
  const integration = await connectOverHttp(api, options);
  const agent = await createAgentOverHttp(api, options.agent?.name ?? "Test agent", options.agent?.scope);
  return { integration, agent };
}
