import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, integrations, tools, workspaces } from "@/db/schema";
import { setupDemoDirectoryServer } from "@/test/demo-directory-server";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace } from "@/test/fixtures";
import { serveFetch, type RunningServer } from "@/test/http-server";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { closedPort } from "@/test/ports";
import { startSlackStub, type SlackStub } from "@/test/slack-stub";
import { forgetEnv } from "../env";
import { connectIntegration } from "./connect";
import { openIntegrationSecrets } from "./credentials";
import { closeMcpClients } from "./connectors/mcp";

const database = setupTestDatabase();
setupDemoDirectoryServer(() => database().db);

let upstream: McpUpstream;
let slack: SlackStub;
let html: RunningServer;
let downPort: number;

beforeAll(async () => {
  upstream = await startMcpUpstream({
    token: "upstream-secret",
    pageSize: 2,
    tools: [
      tool("get_ticket", { annotations: { readOnlyHint: true } }),
      tool("list_devices"),
      tool("reboot_device", { annotations: { destructiveHint: true } }),
      tool("delete_everything", { annotations: { readOnlyHint: true } }),
      tool("frobnicate"),
    ],
  });
  slack = await startSlackStub({ token: "xoxb-good" });
  process.env.SLACK_API_URL = slack.apiUrl;
  forgetEnv();
  downPort = await closedPort();
  html = await serveFetch(() => new Response("<html><body>Welcome</body></html>", { headers: { "content-type": "text/html" } }));
});

afterAll(async () => {
  await closeMcpClients();
  await Promise.all([upstream.close(), slack.close(), html.close()]);
});

async function admin() {
  const { db } = database();
  const workspace = await createWorkspace(db);
  return { db, workspace, ctx: { db, user: await createUser(db, workspace.id) } };
}

const mcpSettings = (url: string, token = "upstream-secret") => ({
  kind: "mcp" as const,
  url,
  authHeaderName: "Authorization",
  authHeaderValue: `Bearer ${token}`,
});

describe("connecting an MCP server", () => {
  it("discovers every tool (following pagination) through the SDK client and seeds a policy with its reason", async () => {
    const { db, ctx, workspace } = await admin();
    const result = await connectIntegration(ctx, { clientId: null, name: "PSA tools", slug: "psa", settings: mcpSettings(upstream.url) });
    expect(result).toMatchObject({ toolCount: 5, counts: { auto: 2, approval_needed: 3, disabled: 0 } });
    const stored = await db.select().from(tools).where(eq(tools.integrationId, result.integrationId)).orderBy(tools.name);
    expect(stored.map((row) => [row.name, row.policy, row.seededReason])).toEqual([
      ["delete_everything", "approval_needed", "annotation readOnlyHint contradicts write verb 'delete' — the stricter policy wins"],
      ["frobnicate", "approval_needed", "unrecognised verb 'frobnicate' — conservative default"],
      ["get_ticket", "auto", "annotation readOnlyHint and read verb 'get'"],
      ["list_devices", "auto", "read verb 'list'"],
      ["reboot_device", "approval_needed", "annotation destructiveHint and write verb 'reboot'; Manager Approval suggested"],
    ]);
    expect(
      stored.every((row) => row.managerApproval === false && row.seededPolicy === row.policy && row.definitionHash.length === 64),
    ).toBe(true);
    expect(stored.find((row) => row.name === "get_ticket")!.inputSchema).toEqual({
      type: "object",
      properties: { email: { type: "string" } },
    });

    const [integration] = await db.select().from(integrations).where(eq(integrations.id, result.integrationId));
    expect(integration!.secretCiphertext).not.toContain("upstream-secret");
    expect(openIntegrationSecrets(integration!)).toEqual({ authHeaderValue: "Bearer upstream-secret" });
    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.workspaceId, workspace.id), eq(auditEvents.action, "integration.connected")));
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ toolCount: 5, seeded: { auto: 2, approval_needed: 3, disabled: 0 } });
    const [after] = await db.select().from(workspaces).where(eq(workspaces.id, workspace.id));
    expect(after!.toolsetVersion).toBe(workspace.toolsetVersion + 1);
  });

  it.each([
    ["a refused token", () => mcpSettings(upstream.url, "wrong"), /refused the credentials \(HTTP 401\)/],
    [
      "an address that is down",
      () => mcpSettings(`http://127.0.0.1:${downPort}/mcp`),
      /Could not connect to 127\.0\.0\.1:\d+: connection refused/,
    ],
    ["a server that answers HTML", () => mcpSettings(`${html.url}/mcp`), /answered with text\/html, not MCP/],
  ])("gives a clear error for %s and stores nothing", async (_label, settings, message) => {
    const { db, ctx, workspace } = await admin();
    await expect(connectIntegration(ctx, { clientId: null, name: "Broken", slug: "broken", settings: settings() })).rejects.toThrow(
      message,
    );
    expect(await db.select().from(integrations).where(eq(integrations.workspaceId, workspace.id))).toHaveLength(0);
    expect(await db.select().from(tools).where(eq(tools.workspaceId, workspace.id))).toHaveLength(0);
  });

  it("refuses private addresses unless they are allowed", async () => {
    const { ctx } = await admin();
    process.env.TOOLGATE_UPSTREAM_ALLOWED_NETWORKS = "";
    forgetEnv();
    try {
      await expect(
        connectIntegration(ctx, { clientId: null, name: "Internal", slug: "internal", settings: mcpSettings(upstream.url) }),
      ).rejects.toThrow(/127\.0\.0\.1 is in 127\.0\.0\.0\/8 \(loopback\)/);
      await expect(
        connectIntegration(ctx, { clientId: null, name: "Meta", slug: "meta", settings: mcpSettings("http://169.254.169.254/latest") }),
      ).rejects.toThrow(/cloud instance metadata/);
    } finally {
      process.env.TOOLGATE_UPSTREAM_ALLOWED_NETWORKS = "127.0.0.0/8,::1/128";
      forgetEnv();
    }
  });

  it("refuses a taken slug, a malformed slug and another workspace's client", async () => {
    const { db, ctx } = await admin();
    await connectIntegration(ctx, { clientId: null, name: "One", slug: "one", settings: mcpSettings(upstream.url) });
    await expect(
      connectIntegration(ctx, { clientId: null, name: "Two", slug: "one", settings: mcpSettings(upstream.url) }),
    ).rejects.toThrow(/already uses the slug "one"/);
    await expect(
      connectIntegration(ctx, { clientId: null, name: "Bad", slug: "Bad Slug", settings: mcpSettings(upstream.url) }),
    ).rejects.toThrow(/lower-case/);
    const other = await admin();
    const { createClient } = await import("../clients/clients");
    const foreign = await createClient(other.ctx, { name: "Foreign Co" });
    await expect(
      connectIntegration(ctx, { clientId: foreign.id, name: "X", slug: "x", settings: mcpSettings(upstream.url) }),
    ).rejects.toThrow(/client does not exist/);
    expect(db).toBeDefined();
  });
});

describe("connecting Slack", () => {
  it("checks the bot token with auth.test and seeds the Slack tools", async () => {
    const { db, ctx } = await admin();
    const result = await connectIntegration(ctx, {
      clientId: null,
      name: "MSP Slack",
      slug: "slack",
      settings: { kind: "slack", botToken: "xoxb-good", signingSecret: "shh" },
    });
    const authTest = slack.callsTo("auth.test").at(-1)!;
    expect(authTest.token).toBe("xoxb-good");
    const stored = await db.select().from(tools).where(eq(tools.integrationId, result.integrationId)).orderBy(tools.name);
    expect(stored.map((row) => [row.name, row.policy])).toEqual([
      ["get_channel_info", "auto"],
      ["invite_to_channel", "approval_needed"],
      ["list_channels", "auto"],
      ["lookup_user_by_email", "auto"],
      ["post_message", "approval_needed"],
      ["set_channel_topic", "approval_needed"],
    ]);
  });

  it("refuses a token Slack rejects, storing nothing", async () => {
    const { db, ctx, workspace } = await admin();
    await expect(
      connectIntegration(ctx, { clientId: null, name: "Slack", slug: "slack", settings: { kind: "slack", botToken: "xoxb-bad" } }),
    ).rejects.toThrow(/Slack refused the bot token \(invalid_auth\)/);
    expect(await db.select().from(integrations).where(eq(integrations.workspaceId, workspace.id))).toHaveLength(0);
  });
});

describe("connecting a demo directory", () => {
  it("provisions its own data and seeds all its tools over MCP, with the contradicting annotations resolved strictly", async () => {
    const { db, ctx } = await admin();
    const { createClient } = await import("../clients/clients");
    const client = await createClient(ctx, { name: "Contoso Dental" });
    const result = await connectIntegration(ctx, {
      clientId: client.id,
      name: "Contoso directory",
      slug: "contoso-directory",
      settings: { kind: "demo_directory", dataset: "contoso-dental" },
    });
    expect(result.toolCount).toBe(19);
    const stored = await db.select().from(tools).where(eq(tools.integrationId, result.integrationId));
    const byName = Object.fromEntries(stored.map((row) => [row.name, row]));
    expect(byName.delete_user).toMatchObject({
      policy: "approval_needed",
      seededReason: "annotation readOnlyHint contradicts write verb 'delete' — the stricter policy wins",
    });
    expect(byName.get_license_usage).toMatchObject({
      policy: "approval_needed",
      seededReason: "annotation destructiveHint contradicts read verb 'get' — the stricter policy wins; Manager Approval suggested",
    });
    expect(byName.mailbox_permissions_sync).toMatchObject({
      policy: "approval_needed",
      seededReason: "unrecognised verb 'mailbox' — conservative default",
    });
    expect(byName.list_users).toMatchObject({ policy: "auto", seededReason: "read verb 'list'" });
    expect(byName.reset_password).toMatchObject({ policy: "approval_needed" });
    expect(stored.every((row) => row.seededReason.length > 0)).toBe(true);
  });
});
