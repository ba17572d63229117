import { and, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { agentKeys, agents, approvalRequests, auditEvents, jobs, toolCalls } from "@/db/schema";
import { approvalWorld, type ApprovalWorld } from "@/test/approval-world";
import { setupTestDatabase } from "@/test/database";
import { uniqueSuffix } from "@/test/fixtures";
import { tool } from "@/test/mcp-upstream";
import { setupMcpUpstream } from "@/test/world";
import { POST } from "@/test/gateway-routes";
import { gatewayRequest } from "@/test/gateway";
import { issueAgentKey, retireAgentKey, revokeAgentKey, setAgentPaused, setAgentScope, setAllAgentsPaused } from "../agents/manage-agents";
import { createClient } from "../clients/clients";
import { decideApproval } from "../approvals/decide";
import { executeApprovedCall } from "../approvals/execute-approved";
import { setIntegrationStatus } from "../integrations/manage";

const database = setupTestDatabase();
const upstream = setupMcpUpstream([tool("get_user"), tool("reset_password"), tool("delete_user")]);

const callRow = async (world: ApprovalWorld, callId: string) =>
  (await world.db.select().from(toolCalls).where(eq(toolCalls.id, callId)))[0]!;
const requestsOf = (world: ApprovalWorld, callId: string) =>
  world.db.select().from(approvalRequests).where(eq(approvalRequests.callId, callId));
const approveAll = async (world: ApprovalWorld, callId: string) => {
  const outcomes = [];
  for (const request of await requestsOf(world, callId)) {
    outcomes.push(
      await decideApproval(world.db, {
        workspaceId: world.workspace.id,
        approvalRequestId: request.id,
        decision: "approve",
        actor:
          request.kind === "technician"
            ? { kind: "user", userId: world.technician.id, via: "web" }
            : { kind: "person", personId: world.boss.id, via: "deep_link" },
      }),
    );
  }
  return outcomes;
};

/** What a change to the agent, its key or its scope must do to a call still waiting: cancel it, for good. */
async function expectCancelledForGood(world: ApprovalWorld, callId: string, code: string, undo: () => Promise<unknown>) {
  const call = await callRow(world, callId);
  expect(call).toMatchObject({ status: "cancelled", errorCode: code });
  expect(call.errorMessage).toMatch(/^Cancelled before it ran: /);
  expect((await requestsOf(world, callId)).map((request) => request.status)).toEqual(expect.arrayContaining(["cancelled"]));
  expect((await requestsOf(world, callId)).every((request) => request.status === "cancelled")).toBe(true);
  const events = await world.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.callId, callId), eq(auditEvents.action, "call.cancelled")));
  expect(events).toHaveLength(1);
  expect(events[0]!.data).toMatchObject({ code });
  // The approvers' messages are updated, and the agent is told.
  const queued = await world.db
    .select({ kind: jobs.kind, payload: jobs.payload })
    .from(jobs)
    .where(eq(jobs.workspaceId, world.workspace.id));
  const requestIds = (await requestsOf(world, callId)).map((request) => request.id);
  expect(
    queued.filter((job) => job.kind === "update_approval_messages" && requestIds.includes(String(job.payload.approvalRequestId))).length,
  ).toBe(requestIds.length);
  expect(queued.some((job) => job.kind === "agent_call_webhook" && job.payload.callId === callId)).toBe(true);
  // Resuming (or whatever undoes the change) does not revive it, and approving it runs nothing.
  await undo();
  const before = upstream.callCount("reset_password") + upstream.callCount("delete_user");
  const outcomes = await approveAll(world, callId);
  expect(outcomes.every((outcome) => outcome.outcome === "already_decided")).toBe(true);
  await world.drain();
  expect(upstream.callCount("reset_password") + upstream.callCount("delete_user")).toBe(before);
  expect((await callRow(world, callId)).status).toBe("cancelled");
}

describe("stop means stop, for calls already waiting", () => {
  it("pausing the agent cancels its calls waiting for approval in the same transaction", async () => {
    const world = await approvalWorld(database(), upstream);
    const waiting = await world.call("reset_password");
    const approved = await world.call("delete_user");
    expect([waiting.status, approved.status]).toEqual([202, 202]);
    await approveAll(world, approved.body.callId);
    expect((await callRow(world, approved.body.callId)).status).toBe("approved");
    await setAgentPaused(world.ctx, { agentId: world.agent.agentId, paused: true });
    await expectCancelledForGood(world, waiting.body.callId, "agent_paused", () =>
      setAgentPaused(world.ctx, { agentId: world.agent.agentId, paused: false }),
    );
    // Approved, not yet running: cancelled too.
    expect(await callRow(world, approved.body.callId)).toMatchObject({ status: "cancelled", errorCode: "agent_paused" });
    expect(await executeApprovedCall(world.db, approved.body.callId)).toBe("not_claimed");
  });

  it("pausing all agents cancels every waiting call of the workspace", async () => {
    const world = await approvalWorld(database(), upstream);
    const waiting = await world.call("reset_password");
    await setAllAgentsPaused(world.ctx, { paused: true });
    await expectCancelledForGood(world, waiting.body.callId, "workspace_paused", () => setAllAgentsPaused(world.ctx, { paused: false }));
  });

  it("revoking the key a call was made with, as compromised, cancels it; other keys' calls go on", async () => {
    const world = await approvalWorld(database(), upstream);
    const second = await issueAgentKey(world.ctx, { agentId: world.agent.agentId });
    const byFirst = await world.call("reset_password");
    const bySecond = await POST(
      gatewayRequest(second.key, {
        integration: world.slug,
        tool: "delete_user",
        arguments: { email: world.annEmail },
        requester: { email: world.annEmail },
      }),
    );
    const bySecondBody = (await bySecond.json()) as { callId: string };
    const [firstKey] = await world.db.select().from(agentKeys).where(eq(agentKeys.prefix, world.agent.keyPrefix));
    expect((await callRow(world, byFirst.body.callId)).agentKeyId).toBe(firstKey!.id);
    const revoked = await revokeAgentKey(world.ctx, { keyId: firstKey!.id });
    expect(revoked.cancelledCalls).toBe(1);
    await expectCancelledForGood(world, byFirst.body.callId, "key_revoked", async () => {});
    expect((await callRow(world, bySecondBody.callId)).status).toBe("pending_approval");
  });

  it("retiring a key (rotation) refuses new calls with it but lets its waiting calls run once approved", async () => {
    const world = await approvalWorld(database(), upstream);
    const waiting = await world.call("delete_user");
    const [key] = await world.db.select().from(agentKeys).where(eq(agentKeys.prefix, world.agent.keyPrefix));
    await retireAgentKey(world.ctx, { keyId: key!.id });
    const refused = await world.call("delete_user");
    expect(refused.status).toBe(401);
    expect((await callRow(world, waiting.body.callId)).status).toBe("pending_approval");
    const before = upstream.callCount("delete_user");
    await approveAll(world, waiting.body.callId);
    await world.drain();
    expect(upstream.callCount("delete_user")).toBe(before + 1);
    expect((await callRow(world, waiting.body.callId)).status).toBe("succeeded");
  });

  it("narrowing the agent's client scope cancels its waiting calls for the clients it lost", async () => {
    const world = await approvalWorld(database(), upstream);
    const waiting = await world.call("reset_password");
    const other = await createClient(world.ctx, { name: `Other ${uniqueSuffix()}` });
    await setAgentScope(world.ctx, { agentId: world.agent.agentId, scope: { allClients: false, clientIds: [other.id], mspWide: true } });
    await expectCancelledForGood(world, waiting.body.callId, "out_of_scope", () =>
      setAgentScope(world.ctx, { agentId: world.agent.agentId, scope: { allClients: true, clientIds: [], mspWide: true } }),
    );
  });

  it("disabling the tool or pausing the integration cancels the waiting calls, so the inbox no longer shows them waiting", async () => {
    const world = await approvalWorld(database(), upstream);
    const disabled = await world.call("delete_user");
    const paused = await world.call("reset_password");
    await world.setPolicy("delete_user", "disabled");
    expect((await requestsOf(world, disabled.body.callId)).map((request) => request.status)).toEqual(["cancelled"]);
    expect((await callRow(world, paused.body.callId)).status).toBe("pending_approval");
    await setIntegrationStatus(world.ctx, { integrationId: world.integrationId, status: "paused" });
    await expectCancelledForGood(world, paused.body.callId, "integration_paused", () =>
      setIntegrationStatus(world.ctx, { integrationId: world.integrationId, status: "active" }),
    );
    expect(await callRow(world, disabled.body.callId)).toMatchObject({ status: "cancelled", errorCode: "tool_disabled" });
  });

  it("turning Manager Approval on cancels calls that asked only a technician", async () => {
    const world = await approvalWorld(database(), upstream);
    const waiting = await world.call("delete_user");
    await world.setPolicy("delete_user", "approval_needed", true);
    expect(await callRow(world, waiting.body.callId)).toMatchObject({ status: "cancelled", errorCode: "approvals_changed" });
  });

  it("the decision before execution is the backstop: a pause that slipped past the approval still stops the run", async () => {
    const world = await approvalWorld(database(), upstream);
    const waiting = await world.call("delete_user");
    await approveAll(world, waiting.body.callId);
    // As if the pause committed between the approval and the execution (no cancellation ran).
    await world.db.update(agents).set({ paused: true }).where(eq(agents.id, world.agent.agentId));
    const before = upstream.callCount("delete_user");
    expect(await executeApprovedCall(world.db, waiting.body.callId)).toBe("cancelled");
    expect(upstream.callCount("delete_user")).toBe(before);
    expect(await callRow(world, waiting.body.callId)).toMatchObject({ status: "cancelled", errorCode: "agent_paused" });
  });

  it("an approval given after a stop that slipped past is refused: the call is cancelled, not approved", async () => {
    const world = await approvalWorld(database(), upstream);
    const waiting = await world.call("delete_user");
    await world.db.update(agents).set({ paused: true }).where(eq(agents.id, world.agent.agentId));
    const [outcome] = await approveAll(world, waiting.body.callId);
    expect(outcome).toMatchObject({ outcome: "already_decided", status: "cancelled" });
    expect(outcome!.outcome === "already_decided" && outcome!.reason).toMatch(/agent is paused/);
    const ids = [waiting.body.callId];
    expect((await world.db.select().from(toolCalls).where(inArray(toolCalls.id, ids)))[0]!.status).toBe("cancelled");
  });
});
