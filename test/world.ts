import { eq } from "drizzle-orm";
import { afterAll, beforeAll } from "vitest";
import type { Database } from "@/db";
import { integrations, tools, type UserRole } from "@/db/schema";
import { createClient } from "@/server/clients/clients";
import { connectIntegration } from "@/server/integrations/connect";
import { closeMcpClients } from "@/server/integrations/connectors/mcp";
import { saveToolPolicies } from "@/server/policy/save";
import { createUser, createWorkspace, uniqueSuffix } from "./fixtures";
import { createTestAgent } from "./gateway";
import { startMcpUpstream, type McpUpstream, type UpstreamTool } from "./mcp-upstream";
import { policyChanges, type WorldPolicies } from "./world-policies";

export type { PolicyChoice, WorldPolicies } from "./world-policies";

/** An MCP server to connect: a running `startMcpUpstream()` or any URL, with the header the integration sends it. */
export type WorldUpstream = { url: string; authHeaderName?: string; authHeaderValue?: string };

export type SeedWorldOptions = {
  /** What the integration connects to: an MCP server, or one of the demo directories (`{ demoDataset: "contoso-dental" }`, needs `setupDemoDirectoryServer`). */
  upstream: WorldUpstream | { demoDataset: string };
  /** Policies saved after the connect (by tool name, `"*"` for the rest); the seeded defaults stay for tools not named. */
  policies?: WorldPolicies;
  /** The world's client (default name `Client <random>`). */
  client?: { name?: string };
  /** Connect the integration for the MSP itself rather than for the client. */
  mspWide?: boolean;
  /** The integration's slug (default `dir-<random>`) and display name (default "Directory"). */
  slug?: string;
  name?: string;
  /** The admin who sets everything up (default: an admin named "Test User"). */
  admin?: { name?: string; role?: UserRole };
  /** The agent's name and scope: every client and the MSP (the default), `"client"` for the world's client alone, or any scope. */
  agent?: { name?: string; scope?: "client" | { allClients?: boolean; clientIds?: string[]; mspWide?: boolean } };
};

/**
 * The in-process test world, built through the same domain functions the admin UI calls: a new
 * workspace → an admin (with a session) → a client → an integration (the client's, or the MSP's with
 * `mspWide`) connected to `upstream` (its
 * tools listed and seeded) → `policies` saved at the integration's current revision → an agent
 * with a key. Each call makes a new workspace, so tests in one file never share rows.
 *
 *     const world = await seedWorld(db, { upstream, policies: { get_user: "auto", "*": "approval_needed" } });
 *     await POST(gatewayRequest(world.agent.key, { integration: world.slug, tool: "get_user", arguments: {} }));
 */
export async function seedWorld(db: Database, options: SeedWorldOptions) {
  const workspace = await createWorkspace(db);
  const admin = await createUser(db, workspace.id, { role: options.admin?.role ?? "admin", name: options.admin?.name });
  const ctx = { db, user: admin };
  const client = await createClient(ctx, { name: options.client?.name ?? `Client ${uniqueSuffix()}` });
  const slug = options.slug ?? `dir-${uniqueSuffix()}`;
  const upstream = options.upstream;
  const { integrationId } = await connectIntegration(ctx, {
    clientId: options.mspWide ? null : client.id,
    name: options.name ?? "Directory",
    slug,
    settings:
      "demoDataset" in upstream
        ? { kind: "demo_directory", dataset: upstream.demoDataset }
        : { kind: "mcp", url: upstream.url, authHeaderName: upstream.authHeaderName, authHeaderValue: upstream.authHeaderValue },
  });
  const toolRows = await db.select().from(tools).where(eq(tools.integrationId, integrationId));
  const toolId = (name: string) => {
    const row = toolRows.find((candidate) => candidate.name === name);
    if (!row) throw new Error(`no tool "${name}" in ${slug}`);
    return row.id;
  };
  /** The integration's current revision (what a save must name). */
  const revision = async () =>
    (await db.select({ revision: integrations.revision }).from(integrations).where(eq(integrations.id, integrationId)))[0]!.revision;
  /** Saves policies by tool name at the current revision, as the policy editor does. */
  const setPolicies = async (policies: WorldPolicies) =>
    saveToolPolicies(ctx, { integrationId, revision: await revision(), changes: policyChanges(toolRows, policies) });
  const setPolicy = (name: string, policy: "auto" | "approval_needed" | "disabled", managerApproval = false) =>
    setPolicies({ [name]: { policy, managerApproval } });
  if (options.policies) await setPolicies(options.policies);
  const scope = options.agent?.scope;
  const agent = await createTestAgent(
    db,
    admin,
    scope === "client" ? { allClients: false, clientIds: [client.id], mspWide: false } : scope,
    options.agent?.name,
  );
  return { db, workspace, admin, ctx, client, slug, integrationId, tools: toolRows, toolId, revision, setPolicies, setPolicy, agent };
}

export type World = Awaited<ReturnType<typeof seedWorld>>;

/**
 * An MCP upstream for a test file: started in beforeAll, closed (with the gateway's cached MCP
 * clients) in afterAll. The object returned stands for it — `upstream.url`, `upstream.callCount()`
 * — once beforeAll has run; touching it earlier throws.
 *
 *     const upstream = setupMcpUpstream([tool("get_user"), tool("reset_password")]);
 */
export function setupMcpUpstream(tools: UpstreamTool[], options: { token?: string } = {}): McpUpstream {
  let upstream: McpUpstream | undefined;
  beforeAll(async () => {
    upstream = await startMcpUpstream({ tools, ...options });
  });
  afterAll(async () => {
    await closeMcpClients();
    await upstream?.close();
  });
  const started = (): McpUpstream => {
    if (!upstream) throw new Error("the upstream exists only inside tests (after beforeAll)");
    return upstream;
  };
  return new Proxy({} as McpUpstream, {
    get: (_, key) => started()[key as keyof McpUpstream],
    has: (_, key) => key in started(),
  });
}
