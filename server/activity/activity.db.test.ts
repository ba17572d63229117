import { describe, expect, it } from "vitest";
import { POST } from "@/app/api/gateway/route";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace, uniqueSuffix } from "@/test/fixtures";
import { createTestAgent, gatewayRequest } from "@/test/gateway";
import { tool } from "@/test/mcp-upstream";
import { setupMcpUpstream } from "@/test/world";
import { createCaller } from "../api/root";
import { createClient } from "../clients/clients";
import { connectIntegration } from "../integrations/connect";
import { callsToCsv } from "./csv-export";
import { filtersFromSearchParams } from "./filters";

const database = setupTestDatabase();
const upstream = setupMcpUpstream([tool("get_user"), tool("reset_password")]);

describe("activity", () => {
  it("lists calls per client and across the MSP with filters, opens one with its timeline, exports CSV, and never shows another workspace's calls", async () => {
    const { db } = database();
    const workspace = await createWorkspace(db);
    const admin = await createUser(db, workspace.id);
    const ctx = { db, user: admin };
    const contoso = await createClient(ctx, { name: "Contoso" });
    const fabrikam = await createClient(ctx, { name: "Fabrikam" });
    await connectIntegration(ctx, { clientId: contoso.id, name: "C", slug: "contoso-dir", settings: { kind: "mcp", url: upstream.url } });
    await connectIntegration(ctx, { clientId: fabrikam.id, name: "F", slug: "fabrikam-dir", settings: { kind: "mcp", url: upstream.url } });
    const agent = await createTestAgent(db, admin);
    const send = (integration: string, toolName: string) =>
      POST(gatewayRequest(agent.key, { integration, tool: toolName, arguments: { email: "=cmd|' /C calc'!A0" } }));
    await send("contoso-dir", "get_user");
    await send("contoso-dir", "reset_password");
    await send("fabrikam-dir", "get_user");
    await send("nowhere", "get_user");

    const caller = createCaller(ctx);
    expect(await caller.activity.list({})).toHaveLength(4);
    expect((await caller.activity.list({ clientId: contoso.id })).map((row) => row.tool).sort()).toEqual(["get_user", "reset_password"]);
    expect((await caller.activity.list({ status: "pending_approval" })).map((row) => row.integration)).toEqual(["contoso-dir"]);
    expect((await caller.activity.list({ clientId: "msp" })).map((row) => row.integration)).toEqual(["nowhere"]);
    expect(await caller.activity.list({ tool: "fabrikam" })).toHaveLength(1);

    const [pending] = await caller.activity.list({ status: "pending_approval" });
    const detail = await caller.activity.detail({ callId: pending!.id });
    expect(detail.approvals.map((approval) => [approval.kind, approval.status])).toEqual([["technician", "pending"]]);
    // No Slack, no e-mail in this workspace: the call carries the warning that nobody was told.
    expect(detail.events.map((event) => event.action)).toEqual(["call.pending_approval", "approval.unreached"]);

    const csv = callsToCsv(await caller.activity.list({}));
    expect(csv.split("\r\n")[0]).toBe(
      "call_id,created_at,status,client,agent,integration,tool,ticket,requester," +
        "technician_approver,technician_decision,technician_decided_at,technician_comment," +
        "manager_approver,manager_decision,manager_decided_at,manager_comment," +
        "error,latency_ms,decision,arguments_sha256,state",
    );
    expect(csv.split("\r\n").filter(Boolean)).toHaveLength(5);

    const stranger = createCaller({ db, user: await createUser(db, (await createWorkspace(db)).id) });
    expect(await stranger.activity.list({})).toEqual([]);
    await expect(stranger.activity.detail({ callId: pending!.id })).rejects.toThrow(/No such call/);
    expect(uniqueSuffix()).toBeTruthy();
  });

  it("narrows to one integration's named tools, as the impact preview links to them", async () => {
    const { db } = database();
    const workspace = await createWorkspace(db);
    const admin = await createUser(db, workspace.id);
    const ctx = { db, user: admin };
    const { integrationId } = await connectIntegration(ctx, {
      clientId: null,
      name: "A",
      slug: "a-dir",
      settings: { kind: "mcp", url: upstream.url },
    });
    await connectIntegration(ctx, { clientId: null, name: "B", slug: "b-dir", settings: { kind: "mcp", url: upstream.url } });
    const agent = await createTestAgent(db, admin);
    for (const [integration, toolName] of [
      ["a-dir", "get_user"],
      ["a-dir", "reset_password"],
      ["b-dir", "get_user"],
    ])
      await POST(gatewayRequest(agent.key, { integration, tool: toolName, arguments: {} }));
    const filters = filtersFromSearchParams({ integration: integrationId, tools: "get_user, ,nothing_here" });
    expect(filters).toMatchObject({ integrationId, tools: ["get_user", "nothing_here"] });
    const calls = await createCaller(ctx).activity.list(filters);
    expect(calls.map((call) => [call.integration, call.tool])).toEqual([["a-dir", "get_user"]]);
  });

  it("neutralises spreadsheet formulas in the CSV", () => {
    const csv = callsToCsv([
      {
        id: "call_1",
        createdAt: new Date("2026-01-01T00:00:00Z"),
        status: "succeeded",
        integration: '=HYPERLINK("x")',
        tool: "get,user",
        agentId: "agt",
        agentName: "@agent",
        clientId: null,
        clientName: null,
        requesterEmail: null,
        ticketSystem: null,
        ticketId: null,
        errorCode: null,
        latencyMs: 3,
        argumentsDigest: "abc",
        decisionReason: "policy: auto",
        decisionRule: null,
      },
    ]);
    expect(csv.split("\r\n")[1]).toBe(
      `call_1,2026-01-01T00:00:00.000Z,succeeded,MSP,'@agent,"'=HYPERLINK(""x"")","get,user",,,,,,,,,,,,3,policy: auto,abc,Succeeded`,
    );
  });
});
