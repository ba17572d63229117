import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from "@modelcontextprotocol/client";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as LegacyTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgetEnv } from "../env";
import { approvalWorld } from "@/test/approval-world";
import { setupTestDatabase } from "@/test/database";
import { serveFetch, type RunningServer } from "@/test/http-server";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { closeMcpClients } from "../integrations/connectors/mcp";
import { handleMcpRequest } from "./mcp-endpoint";

const database = setupTestDatabase();
let upstream: McpUpstream;
let endpoint: RunningServer;

beforeAll(async () => {
  upstream = await startMcpUpstream({ tools: [tool("get_user"), tool("reset_password"), tool("delete_user")] });
  endpoint = await serveFetch((request) => handleMcpRequest(database(), request));
  process.env.TOOLGATE_MCP_APPROVAL_WAIT_MS = "300";
  forgetEnv();
});
afterAll(async () => {
  await closeMcpClients();
  await Promise.all([upstream.close(), endpoint.close()]);
});

type Listed = { name: string; annotations?: Record<string, unknown>; _meta?: Record<string, unknown> };
type Result = { isError?: boolean; structuredContent?: Record<string, unknown>; content: unknown[] };

/** What this test needs of an MCP client, whichever SDK generation and protocol revision it speaks. */
type AgentClient = {
  protocolVersion: string | undefined;
  listTools(): Promise<Listed[]>;
  callTool(name: string, args: Record<string, unknown>, onProgress?: (message: string) => void): Promise<Result>;
  /** Resolves once the client receives tool-list changes (legacy: the GET stream; current: subscriptions/listen). */
  watchToolList(onChanged: () => void): Promise<void>;
  close(): Promise<void>;
};

async function legacyClient(url: URL, key: string): Promise<AgentClient> {
  const client = new LegacyClient({ name: "sdk-1.32", version: "1.0.0" });
  const transport = new LegacyTransport(url, { requestInit: { headers: { Authorization: `Bearer ${key}` } } });
  await client.connect(transport);
  return {
    protocolVersion: transport.protocolVersion,
    listTools: async () => (await client.listTools()).tools as Listed[],
    callTool: async (name, args, onProgress) =>
      (await client.callTool({ name, arguments: args }, undefined, {
        ...(onProgress ? { onprogress: (progress) => onProgress(progress.message ?? "") } : {}),
      })) as Result,
    async watchToolList(onChanged) {
      client.setNotificationHandler(ToolListChangedNotificationSchema, async () => onChanged());
      // The client opens the GET stream by itself after initialising; give it a moment to subscribe.
      await new Promise((resolve) => setTimeout(resolve, 300));
    },
    close: () => client.close(),
  };
}

async function modernClient(url: URL, key: string): Promise<AgentClient> {
  const client = new ModernClient({ name: "sdk-2.4", version: "1.0.0" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
  await client.connect(new ModernTransport(url, { requestInit: { headers: { Authorization: `Bearer ${key}` } } }));
  return {
    protocolVersion: client.getNegotiatedProtocolVersion(),
    listTools: async () => (await client.listTools()).tools as Listed[],
    callTool: async (name, args, onProgress) =>
      (await client.callTool(
        { name, arguments: args },
        {
          ...(onProgress ? { onprogress: (progress) => onProgress(progress.message ?? "") } : {}),
        },
      )) as Result,
    async watchToolList(onChanged) {
      client.setNotificationHandler("notifications/tools/list_changed", () => onChanged());
      await client.listen({ toolsListChanged: true });
    },
    close: () => client.close(),
  };
}

describe.each([
  { revision: "2025-11-25", sdk: "the 1.32 SDK client", connect: legacyClient },
  { revision: "2026-07-28", sdk: "the 2.4 SDK client", connect: modernClient },
])("/api/mcp speaks protocol $revision to $sdk", ({ revision, connect }) => {
  it("negotiates the revision, lists the tools with their annotations and policy, and calls an auto tool", async () => {
    const world = await approvalWorld(database(), upstream);
    await world.setPolicy("get_user", "auto");
    const mcp = await connect(new URL(`${endpoint.url}/api/mcp`), world.agent.key);
    expect(mcp.protocolVersion).toBe(revision);
    const listed = await mcp.listTools();
    const getUser = listed.find((entry) => entry.name === `${world.slug}__get_user`)!;
    expect(getUser._meta).toEqual({ "toolgate/policy": "auto", "toolgate/managerApproval": false });
    expect(listed.find((entry) => entry.name === `${world.slug}__delete_user`)!.annotations).toMatchObject({ readOnlyHint: false });
    expect(listed.map((entry) => entry.name)).toContain("toolgate_call_status");

    const before = upstream.callCount("get_user");
    const ran = await mcp.callTool(`${world.slug}__get_user`, { email: "a@b.test" });
    expect(ran.isError).toBeFalsy();
    expect(ran.structuredContent).toEqual({ tool: "get_user", arguments: { email: "a@b.test" } });
    expect(upstream.callCount("get_user")).toBe(before + 1);
    await mcp.close();
  });

  it("answers a call that needs approval with its pending state, sending progress while it waits", async () => {
    const world = await approvalWorld(database(), upstream);
    const mcp = await connect(new URL(`${endpoint.url}/api/mcp`), world.agent.key);
    const progress: string[] = [];
    const pending = await mcp.callTool(`${world.slug}__delete_user`, { email: world.annEmail }, (message) => progress.push(message));
    expect(pending.isError).toBeFalsy();
    expect(pending.structuredContent).toMatchObject({ status: "pending_approval", statusTool: "toolgate_call_status" });
    expect(progress[0]).toMatch(/Waiting for approval \(technician\)/);
    const status = await mcp.callTool("toolgate_call_status", { callId: pending.structuredContent!.callId });
    expect(status.structuredContent).toMatchObject({ callId: pending.structuredContent!.callId, status: "pending_approval" });
    expect(upstream.callCount("delete_user")).toBe(0);
    await mcp.close();
  });

  it("tells the client that the tool list changed after an admin saves a policy", async () => {
    const world = await approvalWorld(database(), upstream);
    const mcp = await connect(new URL(`${endpoint.url}/api/mcp`), world.agent.key);
    let changed = 0;
    await mcp.watchToolList(() => changed++);
    await world.setPolicy("get_user", "disabled");
    await expect.poll(() => changed, { timeout: 5_000 }).toBeGreaterThan(0);
    expect((await mcp.listTools()).map((entry) => entry.name)).not.toContain(`${world.slug}__get_user`);
    await mcp.close();
  });
});
