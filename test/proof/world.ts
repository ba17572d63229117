import { connectOverHttp, createAgentOverHttp, ALL_CLIENTS, type HttpIntegration, type WorldPolicies } from "../app-client";
import type { McpUpstream } from "../mcp-upstream";
import { adminCli, proofDatabase, signInClient, startApp, type App, type ProofDatabase } from "./harness";

export const ADMIN = { email: "proof-admin@msp.test", password: "proof password 123" };

/**
 * A running Toolgate (one or more `next start` instances on one database) with an admin session
 * (`cookie`, and `api`, its typed tRPC client), clients A and B, one MCP integration per client
 * pointing at the instrumented upstream, and helpers to create agents and set policies over the
 * public APIs.
 */
export async function proofWorld(upstream: McpUpstream, options: { instances?: number; env?: Record<string, string> } = {}) {
  const database: ProofDatabase = await proofDatabase();
  adminCli(database, ["create-admin", "--email", ADMIN.email, "--name", "Proof Admin", "--workspace-name", "Proof MSP"], ADMIN.password);
  const apps: App[] = [];
  for (let index = 0; index < (options.instances ?? 1); index++) apps.push(await startApp(database, options.env));
  const app = apps[0]!;
  const { cookie, api } = await signInClient(app, ADMIN.email, ADMIN.password);
  await api.settings.update.mutate({ maxPendingApprovalsPerAgent: 1_000 });
  const clientA = await api.clients.create.mutate({ name: "Client A", slug: "client-a" });
  const clientB = await api.clients.create.mutate({ name: "Client B", slug: "client-b" });
  const integrations: Record<string, HttpIntegration> = {};
  for (const [slug, clientId] of [
    ["dir-a", clientA.id],
    ["dir-b", clientB.id],
  ] as const) {
    integrations[slug] = await connectOverHttp(api, {
      clientId,
      slug,
      upstream: { url: upstream.url, authHeaderName: "Authorization", authHeaderValue: "Bearer upstream-secret" },
    });
  }
  const createAgent = (name: string, scope = ALL_CLIENTS) => createAgentOverHttp(api, name, scope);
  const setPolicies = (slug: string, policies: WorldPolicies) => integrations[slug]!.setPolicies(policies);
  return {
    database,
    apps,
    app,
    cookie,
    api,
    clients: { a: clientA.id, b: clientB.id },
    integrations,
    createAgent,
    setPolicies,
    async close() {
      await Promise.all(apps.map((instance) => instance.stop()));
      await database.drop();
    },
  };
}

export type ProofWorld = Awaited<ReturnType<typeof proofWorld>>;
