import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { integrations, tools, workspaces } from "@/db/schema";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace } from "@/test/fixtures";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { decide } from "../policy/decide";
import { connectIntegration } from "./connect";
import { closeMcpClients } from "./connectors/mcp";
import { setIntegrationStatus } from "./manage";
import { resyncIntegration } from "./sync";

const database = setupTestDatabase();
let upstream: McpUpstream;

beforeAll(async () => {
  upstream = await startMcpUpstream({ tools: [] });
});
afterAll(async () => {
  await closeMcpClients();
  await upstream.close();
});

async function connected() {
  const { db } = database();
  const workspace = await createWorkspace(db);
  const ctx = { db, user: await createUser(db, workspace.id) };
  upstream.setTools([tool("get_user"), tool("list_users"), tool("reset_password"), tool("old_tool")]);
  const { integrationId } = await connectIntegration(ctx, {
    clientId: null,
    name: "Dir",
    slug: "dir",
    settings: { kind: "mcp", url: upstream.url },
  });
  const byName = async () =>
    Object.fromEntries((await db.select().from(tools).where(eq(tools.integrationId, integrationId))).map((row) => [row.name, row]));
  return { db, ctx, workspace, integrationId, byName };
}

describe("re-sync", () => {
  it("seeds new tools, marks gone ones removed, flags changed definitions, and keeps the admin's choices", async () => {
    const { db, ctx, workspace, integrationId, byName } = await connected();
    // The admin's choices, which a re-sync must never overwrite.
    const before = await byName();
    await db.update(tools).set({ policy: "disabled" }).where(eq(tools.id, before.get_user!.id));
    await db.update(tools).set({ policy: "auto" }).where(eq(tools.id, before.reset_password!.id));
    await db.update(tools).set({ managerApproval: true, policy: "approval_needed" }).where(eq(tools.id, before.list_users!.id));
    const [revisionBefore] = await db
      .select({ revision: integrations.revision })
      .from(integrations)
      .where(eq(integrations.id, integrationId));
    const [versionBefore] = await db.select({ version: workspaces.toolsetVersion }).from(workspaces).where(eq(workspaces.id, workspace.id));

    upstream.setTools([
      tool("get_user"),
      tool("list_users"),
      tool("reset_password", { description: "now also e-mails the new password to the manager" }),
      tool("send_email"),
    ]);
    const summary = await resyncIntegration(ctx, { integrationId });
    expect(summary).toEqual({
      added: ["send_email"],
      removed: ["old_tool"],
      changed: ["reset_password"],
      restored: [],
      unchanged: 2,
      refused: [],
    });

    const after = await byName();
    expect(after.get_user).toMatchObject({ policy: "disabled", flaggedAt: null, removedAt: null });
    expect(after.list_users).toMatchObject({ policy: "approval_needed", managerApproval: true, flaggedAt: null });
    expect(after.send_email).toMatchObject({ policy: "approval_needed", seededReason: "write verb 'send'", flaggedAt: null });
    expect(after.old_tool!.removedAt).not.toBeNull();
    expect(after.reset_password).toMatchObject({ policy: "auto", description: "now also e-mails the new password to the manager" });
    expect(after.reset_password!.flaggedAt).not.toBeNull();
    // While flagged, the stored `auto` needs approval; a removed tool is refused.
    const decisionFor = (row: (typeof after)[string] | undefined) =>
      decide({
        workspace: { agentsPaused: false },
        agent: { paused: false },
        key: { retired: false, revoked: false },
        planMode: null,
        limits: null,
        arguments: null,
        integration: { status: "active", inAgentScope: true },
        tool: { ...row!, flagged: row!.flaggedAt !== null, removed: row!.removedAt !== null, readOnly: false },
      });
    expect(decisionFor(after.reset_password)).toMatchObject({ kind: "await_approval", approvals: ["technician"] });
    expect(decisionFor(after.old_tool)).toMatchObject({ kind: "reject", code: "tool_removed" });

    const [revisionAfter] = await db
      .select({ revision: integrations.revision })
      .from(integrations)
      .where(eq(integrations.id, integrationId));
    expect(revisionAfter!.revision).toBe(revisionBefore!.revision + 1);
    const [versionAfter] = await db.select({ version: workspaces.toolsetVersion }).from(workspaces).where(eq(workspaces.id, workspace.id));
    expect(versionAfter!.version).toBe(versionBefore!.version + 1);
  });

  it("restores a tool that comes back, and flags it if its definition changed meanwhile", async () => {
    const { ctx, integrationId, byName } = await connected();
    upstream.setTools([tool("get_user"), tool("list_users"), tool("reset_password")]);
    await resyncIntegration(ctx, { integrationId });
    expect((await byName()).old_tool!.removedAt).not.toBeNull();
    upstream.setTools([
      tool("get_user"),
      tool("list_users"),
      tool("reset_password"),
      tool("old_tool", { inputSchema: { type: "object", properties: { id: { type: "integer" } } } }),
    ]);
    const summary = await resyncIntegration(ctx, { integrationId });
    expect(summary).toMatchObject({ restored: ["old_tool"], changed: ["old_tool"], added: [], removed: [] });
    const after = await byName();
    expect(after.old_tool!.removedAt).toBeNull();
    expect(after.old_tool!.flaggedAt).not.toBeNull();
  });

  it("records the error of a failed re-sync and changes nothing", async () => {
    const { db, ctx, integrationId, byName } = await connected();
    const before = await byName();
    await upstream.close();
    try {
      await expect(resyncIntegration(ctx, { integrationId })).rejects.toThrow(
        /^Re-sync failed: (Could not connect to|The connection to) 127\.0\.0\.1:\d+/,
      );
      const [row] = await db.select().from(integrations).where(eq(integrations.id, integrationId));
      expect(row!.lastSyncError).toMatch(/^(Could not connect to|The connection to) 127\.0\.0\.1:\d+/);
      expect(Object.keys(await byName()).sort()).toEqual(Object.keys(before).sort());
    } finally {
      upstream = await startMcpUpstream({ tools: [] });
    }
  });

  it("is refused for another workspace's integration and for a disconnected one", async () => {
    const { db, ctx, integrationId } = await connected();
    const stranger = { db, user: await createUser(db, (await createWorkspace(db)).id) };
    await expect(resyncIntegration(stranger, { integrationId })).rejects.toThrow(/No such integration/);
    await setIntegrationStatus(ctx, { integrationId, status: "disconnected" });
    await expect(resyncIntegration(ctx, { integrationId })).rejects.toThrow(/disconnected/);
  });
});
