import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalRequests, auditEvents, toolCalls } from "@/db/schema";
import { POST } from "@/app/api/gateway/route";
import { POST as cancel } from "@/app/api/gateway/calls/[callId]/cancel/route";
import { approvalWorld, type ApprovalWorld } from "@/test/approval-world";
import { setupTestDatabase } from "@/test/database";
import { gatewayRequest } from "@/test/gateway";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { decideApproval } from "../approvals/decide";
import { expireCall } from "../approvals/execute-approved";
import { closeMcpClients } from "../integrations/connectors/mcp";

const database = setupTestDatabase();
let upstream: McpUpstream;
beforeAll(async () => {
  upstream = await startMcpUpstream({ tools: [tool("get_user"), tool("reset_password"), tool("delete_user"), tool("flaky")] });
  upstream.behave("flaky", { fail: "upstream said no" });
});
afterAll(async () => {
  await closeMcpClients();
  await upstream.close();
});

async function actionsOf(world: ApprovalWorld, callId: string): Promise<string[]> {
  return (
    await world.db.select().from(auditEvents).where(eq(auditEvents.callId, callId)).orderBy(asc(auditEvents.at), asc(auditEvents.id))
  ).map((event) => event.action);
}

async function send(world: ApprovalWorld, toolName: string): Promise<string> {
  const response = await POST(
    gatewayRequest(world.agent.key, {
      integration: world.slug,
      tool: toolName,
      arguments: { email: world.annEmail },
      requester: { email: world.annEmail },
    }),
  );
  return ((await response.json()) as { callId: string }).callId;
}

async function decide(world: ApprovalWorld, callId: string, decision: "approve" | "deny") {
  const [request] = await world.db.select().from(approvalRequests).where(eq(approvalRequests.callId, callId));
  await decideApproval(world.db, {
    workspaceId: world.workspace.id,
    approvalRequestId: request!.id,
    decision,
    actor: { kind: "user", userId: world.admin.id, via: "web" },
  });
}

describe("audit trail", () => {
  it("writes exactly one event per step on every path", async () => {
    const world = await approvalWorld(database(), upstream);
    await world.setPolicy("get_user", "auto");
    await world.setPolicy("flaky", "auto");
    await world.setPolicy("reset_password", "disabled");

    const allowed = await send(world, "get_user");
    await send(world, "reset_password");
    // A refusal's body is only the error; its call row is found by its status.
    const [rejectedRow] = await world.db
      .select({ id: toolCalls.id })
      .from(toolCalls)
      .where(eq(toolCalls.status, "rejected"))
      .orderBy(asc(toolCalls.createdAt));
    const rejected = rejectedRow!.id;
    const failed = await send(world, "flaky");
    const pending = await send(world, "delete_user");
    const approved = await send(world, "delete_user");
    await decide(world, approved, "approve");
    await world.drain();
    const denied = await send(world, "delete_user");
    await decide(world, denied, "deny");
    const expired = await send(world, "delete_user");
    await world.db
      .update(toolCalls)
      .set({ expiresAt: new Date(Date.now() - 1_000) })
      .where(eq(toolCalls.id, expired));
    await expireCall(world.db, expired);
    const cancelled = await send(world, "delete_user");
    await cancel(
      new Request(`http://localhost/api/gateway/calls/${cancelled}/cancel`, {
        method: "POST",
        headers: { authorization: `Bearer ${world.agent.key}` },
      }),
      { params: Promise.resolve({ callId: cancelled }) },
    );

    expect(await actionsOf(world, allowed)).toEqual(["call.succeeded"]);
    expect(await actionsOf(world, rejected)).toEqual(["call.rejected"]);
    expect(await actionsOf(world, failed)).toEqual(["call.failed"]);
    expect(await actionsOf(world, pending)).toEqual(["call.pending_approval"]);
    expect(await actionsOf(world, approved)).toEqual(["call.pending_approval", "approval.approved", "call.approved", "call.succeeded"]);
    expect(await actionsOf(world, denied)).toEqual(["call.pending_approval", "approval.denied", "call.denied"]);
    expect(await actionsOf(world, expired)).toEqual(["call.pending_approval", "call.expired"]);
    expect(await actionsOf(world, cancelled)).toEqual(["call.pending_approval", "call.cancelled"]);
  });
});
