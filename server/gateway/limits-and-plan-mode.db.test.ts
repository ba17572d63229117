import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgetEnv } from "../env";
import { approvalRequests, auditEvents, toolCalls, tools } from "@/db/schema";
import { POST as restCall } from "@/app/api/gateway/route";
import { GET as listTools } from "@/app/api/gateway/tools/route";
import { approvalWorld, type ApprovalWorld } from "@/test/approval-world";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace } from "@/test/fixtures";
import { agentGet, createTestAgent, gatewayRequest } from "@/test/gateway";
import { serveFetch, type RunningServer } from "@/test/http-server";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { createCaller } from "../api/root";
import { closeMcpClients } from "../integrations/connectors/mcp";
import { handleMcpRequest } from "./mcp-endpoint";

const database = setupTestDatabase();
let upstream: McpUpstream;
let endpoint: RunningServer;

beforeAll(async () => {
  upstream = await startMcpUpstream({
    tools: [
      tool("get_user", { annotations: { readOnlyHint: true } }),
      tool("list_groups"),
      tool("reset_password", { annotations: { readOnlyHint: true } }),
      tool("delete_user", { annotations: { readOnlyHint: true, destructiveHint: false } }),
    ],
  });
  endpoint = await serveFetch((request) => handleMcpRequest(database(), request));
  process.env.TOOLGATE_MCP_APPROVAL_WAIT_MS = "0";
  forgetEnv();
});
afterAll(async () => {
  await closeMcpClients();
  await Promise.all([upstream.close(), endpoint.close()]);
});

/**
 * Fixed windows: a burst that straddles a minute boundary counts into two windows. Start a burst
 * well inside a minute (the burst itself takes far less than ten seconds).
 */
async function wellInsideTheMinute(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 50_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 200));
}

async function world() {
  const w = await approvalWorld(database(), upstream);
  const trpc = createCaller({ db: w.db, user: w.admin });
  const rows = await w.db.select().from(tools).where(eq(tools.integrationId, w.integrationId));
  const toolId = (name: string) => rows.find((row) => row.name === name)!.id;
  return { ...w, trpc, toolId };
}

const rejectedFor = async (w: ApprovalWorld, code: string) =>
  (
    await w.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.workspaceId, w.workspace.id), eq(auditEvents.action, "call.rejected")))
  ).filter((event) => (event.data as Record<string, unknown>).decisionCode === code);

async function mcpClient(w: ApprovalWorld, headers: Record<string, string> = {}) {
  const mcp = new Client({ name: "limits-test", version: "1.0.0" });
  await mcp.connect(
    new StreamableHTTPClientTransport(new URL(`${endpoint.url}/api/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${w.agent.key}`, ...headers } },
    }),
  );
  return mcp;
}

describe("rate limits", () => {
  it("lets exactly 5 of 20 parallel calls through a limit of 5 a minute; the rest get 429 rate_limited with Retry-After, before any upstream request, audited", async () => {
    const w = await world();
    await w.trpc.agents.setCallsPerMinute({ agentId: w.agent.agentId, callsPerMinute: 5 });
    await wellInsideTheMinute();
    const before = upstream.callCount("get_user");
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        restCall(gatewayRequest(w.agent.key, { integration: w.slug, tool: "get_user", arguments: { email: w.annEmail } })),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);
    expect(upstream.callCount("get_user") - before).toBe(5);
    const refused = responses.find((response) => response.status === 429)!;
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    const audited = await rejectedFor(w, "rate_limited");
    expect(audited).toHaveLength(15);
    expect((audited[0]!.data as Record<string, unknown>).reason).toMatch(/at most 5 calls a minute/);
    const rows = await w.db.select().from(toolCalls).where(eq(toolCalls.agentId, w.agent.agentId));
    expect(rows.filter((row) => row.errorCode === "rate_limited")).toHaveLength(15);
  });

  it("refuses a call over an agent's per-tool hourly limit even when it would have waited for approval, and only for that agent and tool", async () => {
    const w = await world();
    await w.trpc.agents.setToolLimit({ agentId: w.agent.agentId, toolId: w.toolId("delete_user"), callsPerHour: 1 });
    const first = await w.call("delete_user");
    expect(first.status).toBe(202);
    const second = await w.call("delete_user");
    expect(second.status).toBe(429);
    expect(second.body.error!.code).toBe("rate_limited");
    // No approval was asked for the refused call.
    const asked = await w.db.select().from(approvalRequests).where(eq(approvalRequests.workspaceId, w.workspace.id));
    expect(asked.map((request) => request.callId)).toEqual([first.body.callId]);
    // Another tool of the same agent, and the same tool for another agent, are not limited.
    expect((await w.call("get_user")).status).toBe(200);
    const other = await createTestAgent(w.db, w.admin, {}, "Other agent");
    const otherCall = await restCall(
      gatewayRequest(other.key, {
        integration: w.slug,
        tool: "delete_user",
        arguments: { email: w.annEmail },
        requester: { email: w.annEmail },
      }),
    );
    expect(otherCall.status).toBe(202);
    // Removing the limit applies to the very next call.
    await w.trpc.agents.setToolLimit({ agentId: w.agent.agentId, toolId: w.toolId("delete_user"), callsPerHour: null });
    expect((await w.call("delete_user")).status).toBe(202);
  });

  it("answers a rate-limited MCP call with an isError result that carries the code and the seconds to wait", async () => {
    const w = await world();
    await w.trpc.agents.setToolLimit({ agentId: w.agent.agentId, toolId: w.toolId("get_user"), callsPerHour: 1 });
    const mcp = await mcpClient(w);
    const name = `${w.slug}__get_user`;
    const ok = (await mcp.callTool({ name, arguments: { email: w.annEmail } })) as CallToolResult;
    expect(ok.isError).toBeFalsy();
    const limited = (await mcp.callTool({ name, arguments: { email: w.annEmail } })) as CallToolResult;
    expect(limited.isError).toBe(true);
    expect(limited.structuredContent).toMatchObject({ error: { code: "rate_limited" } });
    expect(Number((limited.structuredContent as { retryAfterSeconds: number }).retryAfterSeconds)).toBeGreaterThanOrEqual(1);
    expect(await rejectedFor(w, "rate_limited")).toHaveLength(1);
    await mcp.close();
  });

  it("validates limits in words, and keeps them to the admin's own workspace", async () => {
    const w = await world();
    await expect(w.trpc.agents.setCallsPerMinute({ agentId: w.agent.agentId, callsPerMinute: 0 })).rejects.toThrow(
      /at least 1 call per minute/,
    );
    await expect(w.trpc.agents.setToolLimit({ agentId: w.agent.agentId, toolId: w.toolId("get_user"), callsPerHour: 2.5 })).rejects.toThrow(
      /whole number/,
    );
    const elsewhere = await createWorkspace(w.db);
    const stranger = createCaller({ db: w.db, user: await createUser(w.db, elsewhere.id, { role: "admin" }) });
    await expect(stranger.agents.setCallsPerMinute({ agentId: w.agent.agentId, callsPerMinute: 1 })).rejects.toThrow(/No such agent/);
    const strangerAgent = await createTestAgent(w.db, await createUser(w.db, elsewhere.id, { role: "admin" }));
    await expect(
      stranger.agents.setToolLimit({ agentId: strangerAgent.agentId, toolId: w.toolId("get_user"), callsPerHour: 1 }),
    ).rejects.toThrow(/No such tool/);
    const technician = createCaller({ db: w.db, user: w.technician });
    await expect(technician.agents.setPlanMode({ agentId: w.agent.agentId, planMode: true })).rejects.toThrow();
    const listed = await w.trpc.agents.list();
    expect(listed.agents[0]).toMatchObject({ planMode: false, callsPerMinute: null, toolLimits: [] });
  });
});

describe("plan mode", () => {
  it("lets an agent in plan mode call only tools that run at once and are classified read-only, over REST, and lists only those", async () => {
    const w = await world();
    await w.setPolicy("delete_user", "auto"); // auto, but classified a write
    await w.setPolicy("list_groups", "auto");
    await w.trpc.agents.setPlanMode({ agentId: w.agent.agentId, planMode: true });
    const before = upstream.callCount();
    expect((await w.call("get_user")).status).toBe(200);
    for (const name of ["delete_user", "reset_password"]) {
      const refused = await w.call(name);
      expect(refused.status).toBe(403);
      expect(refused.body.error!.code).toBe("plan_mode");
    }
    expect(upstream.callCount() - before).toBe(1);
    expect(await rejectedFor(w, "plan_mode")).toHaveLength(2);
    const list = (await (await listTools(agentGet("/api/gateway/tools", w.agent.key))).json()) as { tools: Array<{ name: string }> };
    expect(list.tools.map((entry) => entry.name).sort()).toEqual(["get_user", "list_groups"]);

    await w.trpc.agents.setPlanMode({ agentId: w.agent.agentId, planMode: false });
    expect((await w.call("delete_user")).status).toBe(200);
  });

  it("puts one REST call in plan mode with Toolgate-Mode: plan, and refuses a header it does not know", async () => {
    const w = await world();
    await w.setPolicy("delete_user", "auto");
    expect((await w.call("delete_user", {}, { "Toolgate-Mode": "plan" })).body.error?.code).toBe("plan_mode");
    expect((await w.call("get_user", {}, { "Toolgate-Mode": "plan" })).status).toBe(200);
    expect((await w.call("delete_user")).status).toBe(200);
    const bad = await w.call("get_user", {}, { "Toolgate-Mode": "yolo" });
    expect(bad.status).toBe(400);
    expect(bad.body.error!.message).toMatch(/Toolgate-Mode header may only be "plan"/);
    const planList = await listTools(agentGet("/api/gateway/tools", w.agent.key, { "Toolgate-Mode": "plan" }));
    const fullList = await listTools(agentGet("/api/gateway/tools", w.agent.key));
    expect(((await planList.json()) as { tools: unknown[] }).tools).toHaveLength(2);
    expect(((await fullList.json()) as { tools: unknown[] }).tools).toHaveLength(4);
    expect(planList.headers.get("etag")).not.toBe(fullList.headers.get("etag"));
  });

  it("cancels the agent's calls still waiting for approval when it is put in plan mode", async () => {
    const w = await world();
    const waiting = await w.call("delete_user");
    expect(waiting.status).toBe(202);
    await w.trpc.agents.setPlanMode({ agentId: w.agent.agentId, planMode: true });
    const [row] = await w.db.select().from(toolCalls).where(eq(toolCalls.id, waiting.body.callId));
    expect(row).toMatchObject({ status: "cancelled", errorCode: "plan_mode" });
  });

  it("is honoured over MCP with the official SDK client: the agent's switch and the Toolgate-Mode header both narrow the list and refuse other calls", async () => {
    const w = await world();
    await w.setPolicy("delete_user", "auto");
    const viaHeader = await mcpClient(w, { "Toolgate-Mode": "plan" });
    const names = (await viaHeader.listTools()).tools.map((entry) => entry.name).sort();
    expect(names).toEqual([`${w.slug}__get_user`, `${w.slug}__list_groups`, "toolgate_call_status"]);
    const before = upstream.callCount("delete_user");
    const refused = (await viaHeader.callTool({ name: `${w.slug}__delete_user`, arguments: { email: w.annEmail } })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect(refused.structuredContent).toMatchObject({ error: { code: "plan_mode" } });
    const allowed = (await viaHeader.callTool({ name: `${w.slug}__get_user`, arguments: { email: w.annEmail } })) as CallToolResult;
    expect(allowed.isError).toBeFalsy();
    await viaHeader.close();

    const plain = await mcpClient(w);
    expect((await plain.listTools()).tools).toHaveLength(5);
    await w.trpc.agents.setPlanMode({ agentId: w.agent.agentId, planMode: true });
    expect((await plain.listTools()).tools).toHaveLength(3);
    const refusedBySwitch = (await plain.callTool({ name: `${w.slug}__delete_user`, arguments: { email: w.annEmail } })) as CallToolResult;
    expect(refusedBySwitch.structuredContent).toMatchObject({ error: { code: "plan_mode" } });
    expect(upstream.callCount("delete_user")).toBe(before);
    await plain.close();
  });
});
