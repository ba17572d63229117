import type { McpUpstream } from "../mcp-upstream";
import { adminCli, proofDatabase, signIn, startApp, trpc, type App, type ProofDatabase } from "./harness";

export const ADMIN = { email: "proof-admin@msp.test", password: "proof password 123" };

type ToolRow = { id: string; name: string };

/**
 * A running Toolgate (one or more `next start` instances on one database) with an admin session,
 * clients A and B, one MCP integration per client pointing at the instrumented upstream, and
 * helpers to create agents and set policies over the public APIs.
 */
export async function proofWorld(upstream: McpUpstream, options: { instances?: number; env?: Record<string, string> } = {}) {
  const database: ProofDatabase = await proofDatabase();
  adminCli(database, ["create-admin", "--email", ADMIN.email, "--name", "Proof Admin", "--workspace-name", "Proof MSP"], ADMIN.password);
  const apps: App[] = [];
  for (let index = 0; index < (options.instances ?? 1); index++) apps.push(await startApp(database, options.env));
  const app = apps[0]!;
  const cookie = await signIn(app, ADMIN.email, ADMIN.password);
  await trpc(app, cookie, "settings.update", { maxPendingApprovalsPerAgent: 1_000 });
  const clientA = await trpc<{ id: string }>(app, cookie, "clients.create", { name: "Client A", slug: "client-a" });
  const clientB = await trpc<{ id: string }>(app, cookie, "clients.create", { name: "Client B", slug: "client-b" });
  const integrations: Record<string, { id: string; tools: ToolRow[] }> = {};
  for (const [slug, clientId] of [
    ["dir-a", clientA.id],
    ["dir-b", clientB.id],
  ] as const) {
    const { integrationId } = await trpc<{ integrationId: string }>(app, cookie, "integrations.connect", {
      clientId,
      name: slug,
      slug,
      settings: { kind: "mcp", url: upstream.url, authHeaderName: "Authorization", authHeaderValue: "Bearer upstream-secret" },
    });
    integrations[slug] = { id: integrationId, tools: await trpc<ToolRow[]>(app, cookie, "policies.tools", { integrationId }, "query") };
  }
  const createAgent = (
    name: string,
    scope: { allClients: boolean; clientIds: string[]; mspWide: boolean } = { allClients: true, clientIds: [], mspWide: true },
  ) => trpc<{ agentId: string; key: string }>(app, cookie, "agents.create", { name, scope });
  const setPolicies = async (
    slug: string,
    policies: Record<string, "auto" | "approval_needed" | "disabled" | { policy: "approval_needed"; managerApproval: true }>,
  ) => {
    const integration = integrations[slug]!;
    const { revision } = await trpc<{ revision: number }>(app, cookie, "integrations.get", { integrationId: integration.id }, "query");
    const changes = Object.entries(policies).map(([name, value]) => {
      const toolId = integration.tools.find((tool) => tool.name === name)!.id;
      return typeof value === "string" ? { toolId, policy: value, managerApproval: false } : { toolId, ...value };
    });
    return trpc<{ revision: number }>(app, cookie, "policies.save", { integrationId: integration.id, revision, changes });
  };
  return {
    database,
    apps,
    app,
    cookie,
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
