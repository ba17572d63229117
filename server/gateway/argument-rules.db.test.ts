import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalRequests, auditEvents, integrations, toolCalls, tools } from "@/db/schema";
import { approvalWorld } from "@/test/approval-world";
import { setupTestDatabase } from "@/test/database";
import { serveFetch, type RunningServer } from "@/test/http-server";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { decideApproval } from "../approvals/decide";
import { loadRequestSummary } from "../approvals/summary";
import { closeMcpClients } from "../integrations/connectors/mcp";
import type { PolicyRule } from "../policy/rules";
import { saveToolPolicies } from "../policy/save";
import { listToolsForAgent } from "./agent-tools";
import { handleMcpRequest } from "./mcp-endpoint";

const database = setupTestDatabase();
let upstream: McpUpstream;
let endpoint: RunningServer;

/** add_user_to_group as the demo directory declares it: closed schema, both arguments required. */
const addUserToGroup = tool("add_user_to_group", {
  inputSchema: {
    type: "object",
    properties: { email: { type: "string" }, group: { type: "string", minLength: 1 } },
    required: ["email", "group"],
    additionalProperties: false,
  },
});

beforeAll(async () => {
  upstream = await startMcpUpstream({ tools: [tool("reset_password"), tool("delete_user"), addUserToGroup] });
  endpoint = await serveFetch((request) => handleMcpRequest(database(), request));
  process.env.TOOLGATE_MCP_APPROVAL_WAIT_MS = "0";
});
afterAll(async () => {
  await closeMcpClients();
  await Promise.all([upstream.close(), endpoint.close()]);
});

const marketingAuto: PolicyRule = {
  argument: "group",
  operator: "one_of",
  value: ["Marketing"],
  then: { policy: "auto", managerApproval: false },
};
const adminsApproval: PolicyRule = {
  argument: "group",
  operator: "one_of",
  value: ["Domain Admins"],
  then: { policy: "approval_needed", managerApproval: false },
};

async function world() {
  const w = await approvalWorld(database(), upstream);
  const [row] = await w.db
    .select()
    .from(tools)
    .where(and(eq(tools.integrationId, w.integrationId), eq(tools.name, "add_user_to_group")));
  const revision = async () =>
    (await w.db.select({ revision: integrations.revision }).from(integrations).where(eq(integrations.id, w.integrationId)))[0]!.revision;
  const setRules = async (rules: PolicyRule[]) =>
    saveToolPolicies(w.ctx, {
      integrationId: w.integrationId,
      revision: await revision(),
      changes: [{ toolId: row!.id, policy: "approval_needed", managerApproval: false, rules }],
    });
  const addTo = (group: string) => w.call("add_user_to_group", { arguments: { email: w.annEmail, group } });
  const callRow = async (callId: string) => (await w.db.select().from(toolCalls).where(eq(toolCalls.id, callId)))[0]!;
  return { ...w, toolId: row!.id, setRules, addTo, callRow };
}

describe("rules on arguments at the gateway", () => {
  it("a call with group Marketing runs; with Domain Admins it waits for approval, the deciding rule recorded and shown to approvers", async () => {
    const w = await world();
    await w.setRules([marketingAuto, adminsApproval]);
    const before = upstream.callCount("add_user_to_group");

    const marketing = await w.addTo("Marketing");
    expect(marketing.status).toBe(200);
    expect(upstream.callCount("add_user_to_group")).toBe(before + 1);
    expect(await w.callRow(marketing.body.callId)).toMatchObject({
      status: "succeeded",
      decisionReason: "rule 1, group is one of [Marketing]: auto",
      decisionRule: { index: 1, text: "rule 1, group is one of [Marketing]", then: { policy: "auto", managerApproval: false } },
    });

    const admins = await w.addTo("Domain Admins");
    expect(admins.status).toBe(202);
    expect(upstream.callCount("add_user_to_group")).toBe(before + 1);
    const waiting = await w.callRow(admins.body.callId);
    expect(waiting).toMatchObject({
      status: "pending_approval",
      decisionRule: { index: 2, text: "rule 2, group is one of [Domain Admins]" },
    });
    const [request] = await w.db.select().from(approvalRequests).where(eq(approvalRequests.callId, admins.body.callId));
    expect((await loadRequestSummary(w.db, request!.id)).decidingRule).toBe("approval needed: rule 2, group is one of [Domain Admins]");

    // No rule matches: the tool's own policy, and nothing recorded as a rule.
    const sales = await w.addTo("Sales");
    expect(sales.status).toBe(202);
    expect((await w.callRow(sales.body.callId)).decisionRule).toBeNull();
  });

  it("the tool list shows a tool unless every path disables it, and MCP calls are decided on their arguments too", async () => {
    const w = await world();
    const disabledUnlessMarketing: PolicyRule[] = [marketingAuto];
    // Own policy disabled, one rule enables it: listed.
    const row = await w.db.select({ revision: integrations.revision }).from(integrations).where(eq(integrations.id, w.integrationId));
    await saveToolPolicies(w.ctx, {
      integrationId: w.integrationId,
      revision: row[0]!.revision,
      changes: [{ toolId: w.toolId, policy: "disabled", managerApproval: false, rules: [] }],
    });
    const listed = async () =>
      (await listToolsForAgent(w.db, { id: w.agent.agentId, workspaceId: w.workspace.id })).map((listedTool) => listedTool.name);
    expect(await listed()).not.toContain("add_user_to_group");

    await w.setRules(disabledUnlessMarketing);
    expect(await listed()).toContain("add_user_to_group");

    const mcp = new Client({ name: "rules-test", version: "1.0.0" });
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(`${endpoint.url}/api/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${w.agent.key}` } },
      }),
    );
    try {
      const { tools: mcpTools } = await mcp.listTools();
      const name = mcpTools.find((listedTool) => listedTool.name.endsWith("__add_user_to_group"))!.name;
      const ran = (await mcp.callTool({ name, arguments: { email: w.annEmail, group: "Marketing" } })) as CallToolResult;
      expect(ran.isError).toBeFalsy();
      const waits = (await mcp.callTool({ name, arguments: { email: w.annEmail, group: "Domain Admins" } })) as CallToolResult;
      expect(waits.structuredContent).toMatchObject({ status: "pending_approval" });
    } finally {
      await mcp.close();
    }
  });

  it("an approved call is re-checked with its stored arguments right before it runs: a rule that now disables it cancels it", async () => {
    const w = await world();
    await w.setRules([marketingAuto, adminsApproval]);
    const first = await w.addTo("Domain Admins");
    const second = await w.addTo("Domain Admins");
    const approve = async (callId: string) => {
      const [request] = await w.db.select().from(approvalRequests).where(eq(approvalRequests.callId, callId));
      return decideApproval(w.db, {
        workspaceId: w.workspace.id,
        approvalRequestId: request!.id,
        decision: "approve",
        actor: { kind: "user", userId: w.technician.id, via: "web" },
      });
    };
    // Same rules, same answer: the first call runs once approved.
    await approve(first.body.callId);
    await w.drain();
    expect((await w.callRow(first.body.callId)).status).toBe("succeeded");

    // Approved, then (before its execution job runs) Domain Admins becomes disabled: cancelled, never run.
    await approve(second.body.callId);
    expect((await w.callRow(second.body.callId)).status).toBe("approved");
    const calls = upstream.callCount("add_user_to_group");
    await w.setRules([marketingAuto, { ...adminsApproval, then: { policy: "disabled", managerApproval: false } }]);
    await w.drain();
    expect(await w.callRow(second.body.callId)).toMatchObject({ status: "cancelled", errorCode: "tool_disabled" });
    expect(upstream.callCount("add_user_to_group")).toBe(calls);
    const cancelled = await w.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.callId, second.body.callId), eq(auditEvents.action, "call.cancelled")));
    expect(JSON.stringify(cancelled.map((event) => event.data))).toContain("rule 2, group is one of [Domain Admins]");
  });
});
