import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agents, auditEvents, jobs, toolPolicyChanges, tools, workspaces } from "@/db/schema";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace } from "@/test/fixtures";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { createCaller } from "../api/root";
import { watchEvents } from "../events/bus";
import { listToolsForAgent } from "../gateway/agent-tools";
import { connectIntegration } from "../integrations/connect";
import { closeMcpClients } from "../integrations/connectors/mcp";
import { resyncIntegration } from "../integrations/sync";

const database = setupTestDatabase();
let upstream: McpUpstream;

beforeAll(async () => {
  upstream = await startMcpUpstream({
    tools: [tool("get_user"), tool("list_users"), tool("delete_user"), tool("send_email"), tool("reset_password")],
  });
});
afterAll(async () => {
  await closeMcpClients();
  await upstream.close();
});

async function setup() {
  const { db } = database();
  const workspace = await createWorkspace(db);
  const admin = await createUser(db, workspace.id, { role: "admin", name: "Alice Admin" });
  const ctx = { db, user: admin };
  const { integrationId } = await connectIntegration(ctx, {
    clientId: null,
    name: "Dir",
    slug: "dir",
    settings: { kind: "mcp", url: upstream.url },
  });
  const caller = createCaller(ctx);
  const rows = await caller.policies.tools({ integrationId });
  const id = (name: string) => rows.find((row) => row.name === name)!.id;
  const detail = await caller.integrations.get({ integrationId });
  return { db, workspace, admin, ctx, caller, integrationId, id, revision: detail.revision };
}

describe("saving tool policies", () => {
  it("applies every change in one transaction, records history per tool and one audit event, and bumps the toolset version", async () => {
    const { db, workspace, caller, integrationId, id, revision, admin } = await setup();
    const [before] = await db.select().from(workspaces).where(eq(workspaces.id, workspace.id));
    const result = await caller.policies.save({
      integrationId,
      revision,
      changes: [
        { toolId: id("delete_user"), policy: "disabled", managerApproval: false },
        { toolId: id("send_email"), policy: "approval_needed", managerApproval: true },
        { toolId: id("reset_password"), policy: "auto", managerApproval: false },
        // Unchanged: submitted but not a change, so no history row.
        { toolId: id("get_user"), policy: "auto", managerApproval: false },
      ],
    });
    expect(result).toMatchObject({ revision: revision + 1, applied: 3, toolsetVersion: before!.toolsetVersion + 1 });
    const stored = await db.select().from(tools).where(eq(tools.integrationId, integrationId));
    const byName = Object.fromEntries(stored.map((row) => [row.name, row]));
    expect(byName.delete_user).toMatchObject({ policy: "disabled", managerApproval: false });
    expect(byName.send_email).toMatchObject({ policy: "approval_needed", managerApproval: true });
    expect(byName.reset_password).toMatchObject({ policy: "auto" });
    const history = await db.select().from(toolPolicyChanges).where(eq(toolPolicyChanges.integrationId, integrationId));
    expect(
      history.map((row) => [row.toolId, row.fromPolicy, row.toPolicy, row.toManagerApproval, row.changedByUserId, row.revision]).sort(),
    ).toEqual(
      [
        [id("delete_user"), "approval_needed", "disabled", false, admin.id, revision + 1],
        [id("reset_password"), "approval_needed", "auto", false, admin.id, revision + 1],
        [id("send_email"), "approval_needed", "approval_needed", true, admin.id, revision + 1],
      ].sort(),
    );
    const audit = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.workspaceId, workspace.id), eq(auditEvents.action, "policies.saved")));
    expect(audit).toHaveLength(1);
    const detail = await caller.integrations.get({ integrationId });
    expect(detail.policiesReviewedAt).not.toBeNull();
    expect(detail.lastSavedByName).toBe("Alice Admin");
  });

  it("changes what an agent sees on its very next request, and wakes listeners and agent webhooks in the same transaction", async () => {
    const { db, workspace, caller, integrationId, id, revision } = await setup();
    const [agent] = await db
      .insert(agents)
      .values({ workspaceId: workspace.id, name: "Helpdesk bot", mspWide: true, webhookUrl: "https://agent.example/config" })
      .returning();
    const scope = { id: agent!.id, workspaceId: workspace.id, allClients: false, mspWide: true };
    const before = await listToolsForAgent(db, scope);
    expect(before.find((entry) => entry.name === "list_users")).toMatchObject({ policy: "auto" });
    const watch = await watchEvents((event) => event.type === "toolset" && event.workspaceId === workspace.id);
    try {
      await caller.policies.save({
        integrationId,
        revision,
        changes: [
          { toolId: id("list_users"), policy: "disabled", managerApproval: false },
          { toolId: id("send_email"), policy: "approval_needed", managerApproval: true },
        ],
      });
      expect(await watch.next(5_000)).toBe(true);
    } finally {
      watch.close();
    }
    const after = await listToolsForAgent(db, scope);
    expect(after.map((entry) => entry.name)).not.toContain("list_users");
    expect(after.find((entry) => entry.name === "send_email")).toMatchObject({ policy: "approval_needed", managerApproval: true });
    const webhookJobs = await db
      .select()
      .from(jobs)
      .where(and(eq(jobs.workspaceId, workspace.id), eq(jobs.kind, "agent_config_webhook")));
    expect(webhookJobs.map((job) => job.payload)).toContainEqual(expect.objectContaining({ agentId: agent!.id, cause: "policies.saved" }));
  });

  it("fails a stale save whole, naming who saved what since the page loaded; a re-sync also makes it stale", async () => {
    const { db, caller, ctx, integrationId, id, revision } = await setup();
    await caller.policies.save({
      integrationId,
      revision,
      changes: [{ toolId: id("send_email"), policy: "disabled", managerApproval: false }],
    });
    await expect(
      caller.policies.save({ integrationId, revision, changes: [{ toolId: id("get_user"), policy: "disabled", managerApproval: false }] }),
    ).rejects.toThrow(/Nothing was saved: Alice Admin saved 1 change\(s\) since you loaded this page \(send_email → disabled\)/);
    const [getUser] = await db
      .select()
      .from(tools)
      .where(eq(tools.id, id("get_user")));
    expect(getUser!.policy).toBe("auto");

    const fresh = (await caller.integrations.get({ integrationId })).revision;
    await resyncIntegration(ctx, { integrationId });
    await expect(
      caller.policies.save({
        integrationId,
        revision: fresh,
        changes: [{ toolId: id("get_user"), policy: "disabled", managerApproval: false }],
      }),
    ).rejects.toThrow(/re-synced/);
  });

  it("rejects invalid combinations whole: manager approval without approval, an unknown tool, another workspace's tool", async () => {
    const { db, caller, integrationId, id, revision } = await setup();
    await expect(
      caller.policies.save({
        integrationId,
        revision,
        changes: [
          { toolId: id("get_user"), policy: "disabled", managerApproval: false },
          { toolId: id("list_users"), policy: "auto", managerApproval: true },
        ],
      }),
    ).rejects.toThrow(/Manager Approval needs the policy "Needs technician approval"/);
    await expect(
      caller.policies.save({ integrationId, revision, changes: [{ toolId: "tool_nope", policy: "auto", managerApproval: false }] }),
    ).rejects.toThrow(/Unknown tool for this integration: tool_nope/);
    const other = await setup();
    await expect(
      caller.policies.save({
        integrationId,
        revision,
        changes: [{ toolId: other.id("get_user"), policy: "disabled", managerApproval: false }],
      }),
    ).rejects.toThrow(/Unknown tool/);
    await expect(
      other.caller.policies.save({
        integrationId,
        revision,
        changes: [{ toolId: id("get_user"), policy: "disabled", managerApproval: false }],
      }),
    ).rejects.toThrow(/No such integration/);
    const [getUser] = await db
      .select()
      .from(tools)
      .where(eq(tools.id, id("get_user")));
    expect(getUser!.policy).toBe("auto");
    expect(await db.select().from(toolPolicyChanges).where(eq(toolPolicyChanges.integrationId, integrationId))).toHaveLength(0);
  });

  it("is refused for technicians; restore-default and history work for admins", async () => {
    const { db, workspace, caller, integrationId, id, revision } = await setup();
    const technician = createCaller({ db, user: await createUser(db, workspace.id, { role: "technician" }) });
    await expect(
      technician.policies.save({
        integrationId,
        revision,
        changes: [{ toolId: id("get_user"), policy: "disabled", managerApproval: false }],
      }),
    ).rejects.toThrow(/Only admins/);
    const saved = await caller.policies.save({
      integrationId,
      revision,
      changes: [{ toolId: id("get_user"), policy: "disabled", managerApproval: false }],
    });
    await caller.policies.restoreDefault({ integrationId, toolId: id("get_user"), revision: saved.revision });
    const history = await technician.policies.history({ integrationId });
    expect(history.map((entry) => [entry.toolName, entry.source, entry.fromPolicy, entry.toPolicy])).toEqual([
      ["get_user", "restore_default", "disabled", "auto"],
      ["get_user", "save", "auto", "disabled"],
    ]);
  });

  it("saves 1,000 changes with set-based SQL", async () => {
    const { db, ctx } = await setup();
    upstream.setTools(Array.from({ length: 1_000 }, (_, index) => tool(`get_item_${index}`)));
    const { integrationId } = await connectIntegration(ctx, {
      clientId: null,
      name: "Big",
      slug: "big",
      settings: { kind: "mcp", url: upstream.url },
    });
    const caller = createCaller(ctx);
    const rows = await caller.policies.tools({ integrationId });
    expect(rows).toHaveLength(1_000);
    const detail = await caller.integrations.get({ integrationId });
    const result = await caller.policies.save({
      integrationId,
      revision: detail.revision,
      changes: rows.map((row) => ({ toolId: row.id, policy: "approval_needed" as const, managerApproval: true })),
    });
    expect(result.applied).toBe(1_000);
    const stored = await db
      .select({ policy: tools.policy })
      .from(tools)
      .where(and(eq(tools.integrationId, integrationId), eq(tools.policy, "approval_needed")));
    expect(stored).toHaveLength(1_000);
    upstream.setTools([tool("get_user"), tool("list_users"), tool("delete_user"), tool("send_email"), tool("reset_password")]);
  });
});
