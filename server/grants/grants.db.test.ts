import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalRequests, auditEvents, toolCalls, toolGrants, tools } from "@/db/schema";
import { appRouter } from "@/server/api/root";
import { approvalWorld } from "@/test/approval-world";
import { setupTestDatabase } from "@/test/database";
import { createTestAgent, gatewayRequest } from "@/test/gateway";
import { POST } from "@/test/gateway-routes";
import { serveFetch, type RunningServer } from "@/test/http-server";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { decideApproval } from "../approvals/decide";
import { connectIntegration } from "../integrations/connect";
import { closeMcpClients } from "../integrations/connectors/mcp";
import { updateWorkspaceSettings } from "../workspaces/settings";
import { handleMcpRequest } from "../gateway/mcp-endpoint";

const database = setupTestDatabase();
let upstream: McpUpstream;
let jira: RunningServer;
let mcpEndpoint: RunningServer;
/** Ticket → reporter e-mail, as the Jira stub answers it. */
const reporters = new Map<string, string>();

beforeAll(async () => {
  upstream = await startMcpUpstream({
    tools: [
      tool("reset_password"),
      tool("delete_user", { inputSchema: { type: "object", properties: { email: { type: "string" }, group: { type: "string" } } } }),
      tool("set_password", {
        inputSchema: { type: "object", properties: { email: { type: "string" }, password: { type: "string", writeOnly: true } } },
      }),
    ],
  });
  mcpEndpoint = await serveFetch((request) => handleMcpRequest(database(), request));
  jira = await serveFetch(async (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/rest/api/3/myself") return Response.json({ accountId: "me" });
    const issue = url.pathname.match(/^\/rest\/api\/3\/issue\/([^/]+)$/);
    const reporter = issue ? reporters.get(issue[1]!) : undefined;
    if (reporter) return Response.json({ key: issue![1], fields: { reporter: { emailAddress: reporter } } });
    if (url.pathname.endsWith("/comment") && request.method === "POST") return Response.json({ id: "1" }, { status: 201 });
    return new Response(JSON.stringify({ errorMessages: ["Issue does not exist"] }), {
      status: 404,
      headers: { "content-type": "application/json" },
    });
  });
});
afterAll(async () => {
  await closeMcpClients();
  await Promise.all([upstream.close(), jira.close(), mcpEndpoint.close()]);
});

type Body = { callId: string; status: string; grant?: { id: string; approvedBy: string; ranAs: string }; error?: { code: string } };

async function grantsWorld() {
  const world = await approvalWorld(database(), upstream);
  const approve = async (
    callId: string,
    options: { kind?: "technician" | "manager"; grant?: { hours: number; unpinned?: string[] } | null } = {},
  ) => {
    const kind = options.kind ?? "technician";
    const [request] = await world.db
      .select()
      .from(approvalRequests)
      .where(and(eq(approvalRequests.callId, callId), eq(approvalRequests.kind, kind)));
    return decideApproval(world.db, {
      workspaceId: world.workspace.id,
      approvalRequestId: request!.id,
      decision: "approve",
      grant: options.grant ?? null,
      actor:
        kind === "technician"
          ? { kind: "user", userId: world.technician.id, via: "web" }
          : { kind: "person", personId: world.boss.id, via: "deep_link" },
    });
  };
  const call = async (toolName: string, extra: Record<string, unknown> = {}) => {
    const response = await world.call(toolName, extra);
    return { status: response.status, body: response.body as unknown as Body };
  };
  const grantsOf = () => world.db.select().from(toolGrants).where(eq(toolGrants.workspaceId, world.workspace.id));
  const connectJira = () =>
    connectIntegration(world.ctx, {
      clientId: null,
      name: "Jira",
      slug: "jira",
      settings: { kind: "jira", siteUrl: jira.url, accountEmail: "bot@msp.test", apiToken: "jira-token" },
    });
  return { ...world, approve, call, grantsOf, connectJira };
}

const deleteArgs = (world: { annEmail: string }, group = "VPN") => ({ arguments: { email: world.annEmail, group } });

describe("standing grants", () => {
  it("approving with a grant creates it, pinned to every argument; the identical next call runs at once (200, by the grant), counted and audited", async () => {
    const world = await grantsWorld();
    const first = await world.call("delete_user", deleteArgs(world));
    expect(first.status).toBe(202);
    const decided = await world.approve(first.body.callId, { grant: { hours: 2 } });
    expect(decided).toMatchObject({ outcome: "decided", callStatus: "approved", grant: { id: expect.stringMatching(/^grt_/) } });
    const [grant] = await world.grantsOf();
    expect(grant).toMatchObject({
      pinnedArguments: { email: world.annEmail, group: "VPN" },
      unpinnedArguments: [],
      // An agent-named requester is the agent's claim: not part of the grant.
      requesterEmail: null,
      approvals: ["technician"],
      approvedBy: "Terry Tech",
      useCount: 0,
    });
    expect(grant!.expiresAt.getTime() - Date.now()).toBeGreaterThan(1.9 * 3600_000);

    const again = await world.call("delete_user", deleteArgs(world));
    expect(again.status).toBe(200);
    expect(again.body.grant).toEqual({
      id: grant!.id,
      approvedBy: "Terry Tech",
      ranAs: `auto by grant ${grant!.id}, approved by Terry Tech`,
    });
    const [row] = await world.db.select().from(toolCalls).where(eq(toolCalls.id, again.body.callId));
    expect(row).toMatchObject({ status: "succeeded", decisionReason: `auto by grant ${grant!.id}, approved by Terry Tech` });
    expect(row!.startedAt).not.toBeNull();
    const [used] = await world.db.select().from(toolGrants).where(eq(toolGrants.id, grant!.id));
    expect(used!.useCount).toBe(1);
    expect(used!.lastUsedAt).not.toBeNull();
    const audit = await world.db.select().from(auditEvents).where(eq(auditEvents.callId, again.body.callId));
    expect(audit.map((event) => event.action).sort()).toEqual(["call.granted", "call.succeeded", "grant.used"]);
    expect(audit.find((event) => event.action === "grant.used")).toMatchObject({ subjectId: grant!.id, data: { useCount: 1 } });
    const created = await world.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, grant!.id), eq(auditEvents.action, "grant.created")));
    expect(created).toHaveLength(1);

    expect((await world.call("delete_user", deleteArgs(world))).status).toBe(200);
    expect((await world.db.select().from(toolGrants).where(eq(toolGrants.id, grant!.id)))[0]!.useCount).toBe(2);
  });

  it("never wider than what was approved: another argument value, an extra argument or another agent asks again (202)", async () => {
    const world = await grantsWorld();
    const first = await world.call("delete_user", deleteArgs(world));
    await world.approve(first.body.callId, { grant: { hours: 1 } });
    expect((await world.call("delete_user", deleteArgs(world, "Admins"))).status).toBe(202);
    expect((await world.call("delete_user", { arguments: { email: world.annEmail } })).status).toBe(202);
    expect((await world.call("reset_password")).status).toBe(202);
    const other = await createTestAgent(world.db, world.admin);
    const response = await POST(
      gatewayRequest(other.key, {
        integration: world.slug,
        tool: "delete_user",
        ...deleteArgs(world),
        requester: { email: world.annEmail },
      }),
    );
    expect(response.status).toBe(202);
  });

  it("an unpinned argument takes any value; the others stay pinned", async () => {
    const world = await grantsWorld();
    const first = await world.call("delete_user", deleteArgs(world));
    await world.approve(first.body.callId, { grant: { hours: 1, unpinned: ["group"] } });
    expect((await world.grantsOf())[0]).toMatchObject({ pinnedArguments: { email: world.annEmail }, unpinnedArguments: ["group"] });
    expect((await world.call("delete_user", deleteArgs(world, "Admins"))).status).toBe(200);
    expect((await world.call("delete_user", { arguments: { email: "bob@contoso.test", group: "VPN" } })).status).toBe(202);
    const other = await world.call("delete_user", { arguments: { email: "carl@contoso.test", group: "X" } });
    expect(other.status).toBe(202);
    await expect(world.approve(other.body.callId, { grant: { hours: 1, unpinned: ["nope"] } })).rejects.toThrow(/no argument named "nope"/);
  });

  it("pins the requester when a ticket verified them: the same requester runs (200), another requester asks again (202)", async () => {
    const world = await grantsWorld();
    await world.connectJira();
    reporters.set("HELP-1", world.annEmail);
    reporters.set("HELP-2", "bob@contoso.test");
    const first = await world.call("delete_user", { ...deleteArgs(world), ticket: { system: "jira", id: "HELP-1" } });
    expect(first.status).toBe(202);
    await world.approve(first.body.callId, { grant: { hours: 1 } });
    expect((await world.grantsOf())[0]!.requesterEmail).toBe(world.annEmail);
    expect((await world.call("delete_user", { ...deleteArgs(world), ticket: { system: "jira", id: "HELP-1" } })).status).toBe(200);
    expect(
      (await world.call("delete_user", { ...deleteArgs(world), requester: undefined, ticket: { system: "jira", id: "HELP-2" } })).status,
    ).toBe(202);
    // Naming Ann without a ticket is only the agent's claim.
    expect((await world.call("delete_user", deleteArgs(world))).status).toBe(202);
  });

  it("a Manager Approval tool is granted only when the manager grants too, and only for a requester a ticket verified", async () => {
    const world = await grantsWorld();
    const unverified = await world.call("reset_password");
    await expect(world.approve(unverified.body.callId, { grant: { hours: 1 } })).rejects.toThrow(/not verified by a ticket/);

    await world.connectJira();
    reporters.set("HELP-7", world.annEmail);
    const ticket = { ticket: { system: "jira", id: "HELP-7" } };
    const first = await world.call("reset_password", ticket);
    expect(first.status).toBe(202);
    await world.approve(first.body.callId, { grant: { hours: 1 } });
    const managerPlain = await world.approve(first.body.callId, { kind: "manager" });
    expect(managerPlain).toMatchObject({ callStatus: "approved", grant: null });
    expect(await world.grantsOf()).toHaveLength(0);
    expect((await world.call("reset_password", ticket)).status).toBe(202);

    const second = await world.call("reset_password", { ...ticket, arguments: { email: world.annEmail, note: 1 } });
    await world.approve(second.body.callId, { grant: { hours: 3 } });
    const both = await world.approve(second.body.callId, { kind: "manager", grant: { hours: 1 } });
    expect(both).toMatchObject({ grant: { id: expect.stringMatching(/^grt_/) } });
    const [grant] = await world.grantsOf();
    expect(grant).toMatchObject({
      approvals: ["technician", "manager"],
      approvedBy: "Terry Tech and Boss Manager",
      requesterEmail: world.annEmail,
    });
    // The shortest duration any approver chose.
    expect(grant!.expiresAt.getTime() - Date.now()).toBeLessThan(3600_000 + 5_000);
    expect((await world.call("reset_password", { ...ticket, arguments: { email: world.annEmail, note: 1 } })).status).toBe(200);
  });

  it("a call with write-only arguments cannot be granted (nobody saw them); a grant longer than the workspace allows is refused", async () => {
    const world = await grantsWorld();
    await world.setPolicy("set_password", "approval_needed");
    const secret = await world.call("set_password", { arguments: { email: world.annEmail, password: "s3cret!" } });
    expect(secret.status).toBe(202);
    await expect(world.approve(secret.body.callId, { grant: { hours: 1 } })).rejects.toThrow(/write-only/);
    const first = await world.call("delete_user", deleteArgs(world));
    await expect(world.approve(first.body.callId, { grant: { hours: 9 } })).rejects.toThrow(/from 1 to 8 hours/);
    // Nothing was decided: the request still waits.
    const [request] = await world.db.select().from(approvalRequests).where(eq(approvalRequests.callId, first.body.callId));
    expect(request!.status).toBe("pending");
    // The workspace's maximum (General settings) allows longer ones, never over 24 h.
    await updateWorkspaceSettings(world.ctx, { grantMaxHours: 12 });
    expect(await world.approve(first.body.callId, { grant: { hours: 9 } })).toMatchObject({ grant: { id: expect.any(String) } });
  });

  it("is void as soon as the tool's policy or definition changes", async () => {
    const world = await grantsWorld();
    const first = await world.call("delete_user", deleteArgs(world));
    await world.approve(first.body.callId, { grant: { hours: 1 } });
    expect((await world.call("delete_user", deleteArgs(world))).status).toBe(200);
    const [row] = await world.db
      .select()
      .from(tools)
      .where(and(eq(tools.integrationId, world.integrationId), eq(tools.name, "delete_user")));
    await world.db.update(tools).set({ definitionHash: "changed-upstream" }).where(eq(tools.id, row!.id));
    expect((await world.call("delete_user", deleteArgs(world))).status).toBe(202);
    await world.db.update(tools).set({ definitionHash: row!.definitionHash }).where(eq(tools.id, row!.id));
    await world.setPolicy("delete_user", "approval_needed", true);
    const withManager = await world.call("delete_user", deleteArgs(world));
    expect(withManager.status).toBe(202);
    expect(withManager.body).toMatchObject({ approvals: [{ kind: "technician" }, { kind: "manager" }] });
  });

  it("revoking applies to the very next call (202); a grant expires by itself", async () => {
    const world = await grantsWorld();
    const first = await world.call("delete_user", deleteArgs(world));
    await world.approve(first.body.callId, { grant: { hours: 1 } });
    const caller = appRouter.createCaller({ db: world.db, user: world.admin });
    const [listed] = await caller.grants.list();
    expect(listed).toMatchObject({ agentName: expect.any(String), toolName: "delete_user", useCount: 0, approvedBy: "Terry Tech" });
    expect((await world.call("delete_user", deleteArgs(world))).status).toBe(200);
    expect((await caller.grants.list())[0]!.useCount).toBe(1);
    await caller.grants.revoke({ grantId: listed!.id });
    expect((await world.call("delete_user", deleteArgs(world))).status).toBe(202);
    expect(await caller.grants.list()).toEqual([]);
    await expect(caller.grants.revoke({ grantId: listed!.id })).rejects.toThrow(/already revoked/);
    const revoked = await world.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, listed!.id), eq(auditEvents.action, "grant.revoked")));
    expect(revoked[0]).toMatchObject({ actorId: world.admin.id });

    const second = await world.call("delete_user", deleteArgs(world, "Billing"));
    await world.approve(second.body.callId, { grant: { hours: 1 } });
    expect((await world.call("delete_user", deleteArgs(world, "Billing"))).status).toBe(200);
    await world.db
      .update(toolGrants)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(toolGrants.callId, second.body.callId));
    expect((await world.call("delete_user", deleteArgs(world, "Billing"))).status).toBe(202);
    expect(await caller.grants.list()).toEqual([]);
  });

  it("a technician approving plainly creates no grant", async () => {
    const world = await grantsWorld();
    const first = await world.call("delete_user", deleteArgs(world));
    expect(await world.approve(first.body.callId)).toMatchObject({ grant: null });
    expect(await world.grantsOf()).toHaveLength(0);
    expect((await world.call("delete_user", deleteArgs(world))).status).toBe(202);
  });

  it("holds over MCP too: the same decision, read in the MCP call's one query", async () => {
    const world = await grantsWorld();
    const first = await world.call("delete_user", deleteArgs(world));
    await world.approve(first.body.callId, { grant: { hours: 1 } });
    const mcp = new Client({ name: "grant-test", version: "1.0.0" });
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(`${mcpEndpoint.url}/api/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${world.agent.key}` } },
      }),
    );
    const result = (await mcp.callTool({ name: `${world.slug}__delete_user`, arguments: deleteArgs(world).arguments })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const [latest] = await world.db
      .select()
      .from(toolCalls)
      .where(eq(toolCalls.workspaceId, world.workspace.id))
      .orderBy(desc(toolCalls.createdAt))
      .limit(1);
    expect(latest).toMatchObject({ status: "succeeded", decisionReason: expect.stringMatching(/^auto by grant grt_/) });
    await mcp.close();
  });
});
