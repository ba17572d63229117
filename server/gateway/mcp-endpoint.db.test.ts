import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ToolListChangedNotificationSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgetEnv } from "../env";
import { auditEvents, toolCalls } from "@/db/schema";
import { POST as callRoute } from "@/app/api/gateway/route";
import { setupTestDatabase } from "@/test/database";
import { gatewayRequest } from "@/test/gateway";
import { seedWorld } from "@/test/world";
import { serveFetch, type RunningServer } from "@/test/http-server";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { setIntegrationStatus } from "../integrations/manage";
import { closeMcpClients } from "../integrations/connectors/mcp";
import { handleMcpRequest } from "./mcp-endpoint";

const database = setupTestDatabase();
let upstream: McpUpstream;
let endpoint: RunningServer;

beforeAll(async () => {
  upstream = await startMcpUpstream({ tools: [tool("get_user"), tool("list_users"), tool("delete_user"), tool("reset_password")] });
  endpoint = await serveFetch((request) => handleMcpRequest(database(), request));
  process.env.TOOLGATE_MCP_APPROVAL_WAIT_MS = "300";
  forgetEnv();
});
afterAll(async () => {
  await closeMcpClients();
  await Promise.all([upstream.close(), endpoint.close()]);
});

async function setup() {
  const world = await seedWorld(database().db, { upstream });
  const { slug, ctx, integrationId, agent } = world;
  const save = (name: string, policy: "auto" | "disabled" | "approval_needed") => world.setPolicy(name, policy);
  const mcp = new Client({ name: "test-agent", version: "1.0.0" });
  await mcp.connect(
    new StreamableHTTPClientTransport(new URL(`${endpoint.url}/api/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${agent.key}` } },
    }),
  );
  return { slug, save, mcp, workspaceId: world.workspace.id, ctx, integrationId, agent };
}

describe("/api/mcp with the SDK's own client", () => {
  it("lists the agent's tools (never disabled ones) with valid names and calls an auto tool through the gateway", async () => {
    const { slug, save, mcp } = await setup();
    await save("delete_user", "disabled");
    const { tools } = await mcp.listTools();
    const names = tools.map((entry) => entry.name);
    expect(names).toContain(`${slug}__get_user`);
    expect(names).toContain("toolgate_call_status");
    expect(names).not.toContain(`${slug}__delete_user`);
    expect(tools.find((entry) => entry.name === `${slug}__reset_password`)!.description).toMatch(/Needs human approval/);

    const before = upstream.callCount("get_user");
    const result = (await mcp.callTool({ name: `${slug}__get_user`, arguments: { email: "a@b.test" } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ tool: "get_user", arguments: { email: "a@b.test" } });
    expect(upstream.callCount("get_user")).toBe(before + 1);

    const refused = (await mcp.callTool({ name: `${slug}__delete_user`, arguments: { email: "a@b.test" } })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toMatch(/unknown_tool|tool_disabled/);
    expect(upstream.callCount("delete_user")).toBe(0);
    await mcp.close();
  });

  it("reports an approval-needed call as pending with its call id, and toolgate_call_status reports it later", async () => {
    const { slug, mcp } = await setup();
    const result = (await mcp.callTool({ name: `${slug}__reset_password`, arguments: { email: "a@b.test" } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const pending = result.structuredContent as { callId: string; status: string };
    expect(pending.status).toBe("pending_approval");
    const status = (await mcp.callTool({ name: "toolgate_call_status", arguments: { callId: pending.callId } })) as CallToolResult;
    expect(status.structuredContent).toMatchObject({ callId: pending.callId, status: "pending_approval" });
    expect(upstream.callCount("reset_password")).toBe(0);
    await mcp.close();
  });

  it("sends notifications/tools/list_changed on the GET stream after a save", async () => {
    const { save, mcp } = await setup();
    let changed = 0;
    mcp.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      changed++;
    });
    // The client opens the GET stream by itself after initialising; give it a moment to subscribe.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await save("list_users", "disabled");
    await expect.poll(() => changed, { timeout: 5_000 }).toBeGreaterThan(0);
    await mcp.close();
  });

  it("refuses a disabled tool with tool_disabled, as REST does, and audits the real tool", async () => {
    const { slug, save, mcp, workspaceId } = await setup();
    await save("delete_user", "disabled");
    const refused = (await mcp.callTool({ name: `${slug}__delete_user`, arguments: { email: "a@b.test" } })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect(refused.structuredContent).toMatchObject({ error: { code: "tool_disabled" } });
    const [row] = await database()
      .db.select()
      .from(toolCalls)
      .where(and(eq(toolCalls.workspaceId, workspaceId), eq(toolCalls.status, "rejected")));
    expect(row).toMatchObject({ integrationSlug: slug, toolName: "delete_user", errorCode: "tool_disabled" });
    const [event] = await database().db.select().from(auditEvents).where(eq(auditEvents.callId, row!.id));
    expect(event!.data).toMatchObject({ tool: `${slug}/delete_user`, outcome: "tool_disabled", decisionCode: "tool_disabled" });
    expect(upstream.callCount("delete_user")).toBe(0);
    await mcp.close();
  });

  it("answers integration_paused for any tool name of a paused integration, as REST does", async () => {
    const { slug, mcp, ctx, integrationId, agent } = await setup();
    await setIntegrationStatus(ctx, { integrationId, status: "paused" });
    for (const name of ["get_user", "no_such_tool"]) {
      const refused = (await mcp.callTool({ name: `${slug}__${name}`, arguments: {} })) as CallToolResult;
      expect(refused.structuredContent).toMatchObject({ error: { code: "integration_paused" } });
      const rest = await callRoute(gatewayRequest(agent.key, { integration: slug, tool: name, arguments: {} }));
      expect(((await rest.json()) as { error: { code: string } }).error.code).toBe("integration_paused");
    }
    await mcp.close();
  });

  it("refuses a foreign Origin and a missing key", async () => {
    const noKey = await fetch(`${endpoint.url}/api/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: "{}",
    });
    expect(noKey.status).toBe(401);
    const foreign = await fetch(`${endpoint.url}/api/mcp`, {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "application/json" },
      body: "{}",
    });
    expect(foreign.status).toBe(403);
  });
});
