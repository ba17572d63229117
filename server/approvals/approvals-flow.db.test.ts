import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { approvalRequests, auditEvents, toolCalls } from "@/db/schema";
import { approvalWorld } from "@/test/approval-world";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace } from "@/test/fixtures";
import { tool } from "@/test/mcp-upstream";
import { setupMcpUpstream } from "@/test/world";
import { waitForCallChange } from "../gateway/call-status";
import { decideApproval } from "./decide";
import { executeApprovedCall, expireCall, sweepCalls } from "./execute-approved";
import { mintApprovalToken } from "./tokens";
import { decideByLink } from "./deep-link";
import { approvalCsrfToken } from "./tokens";

const database = setupTestDatabase();
const upstream = setupMcpUpstream([tool("get_user"), tool("reset_password"), tool("delete_user")]);

const requestsOf = (db: ReturnType<typeof database>["db"], callId: string) =>
  db.select().from(approvalRequests).where(eq(approvalRequests.callId, callId));

describe("approvals", () => {
  it("runs a Manager Approval call exactly once, with the stored arguments, after both the technician and the manager approve", async () => {
    const world = await approvalWorld(database(), upstream);
    const { status, body } = await world.call("reset_password", { reason: "locked out" });
    expect(status).toBe(202);
    const requests = await requestsOf(world.db, body.callId);
    const technicianRequest = requests.find((request) => request.kind === "technician")!;
    const managerRequest = requests.find((request) => request.kind === "manager")!;
    expect(managerRequest.approverPersonId).toBe(world.boss.id);

    const waiting = waitForCallChange(world.db, { workspaceId: world.workspace.id, agentId: world.agent.agentId }, body.callId, 30);
    const first = await decideApproval(world.db, {
      workspaceId: world.workspace.id,
      approvalRequestId: technicianRequest.id,
      decision: "approve",
      actor: { kind: "user", userId: world.technician.id, via: "web" },
    });
    expect(first).toMatchObject({ outcome: "decided", status: "approved", callStatus: "pending_approval" });
    const token = await mintApprovalToken(world.db, {
      workspaceId: world.workspace.id,
      approvalRequestId: managerRequest.id,
      expiresAt: managerRequest.expiresAt,
      approver: { personId: world.boss.id },
    });
    const before = upstream.callCount("reset_password");
    const second = await decideByLink(world.db, {
      token,
      csrf: approvalCsrfToken(token),
      decision: "approve",
      comment: "ok",
      clientAddress: "198.51.100.1",
    });
    expect(second.status).toBe(303);
    expect((await waiting).status).toBe("approved");
    await world.drain();
    expect(upstream.callCount("reset_password")).toBe(before + 1);
    expect(upstream.calls.at(-1)!.arguments).toEqual({ email: world.annEmail });
    const final = await waitForCallChange(world.db, { workspaceId: world.workspace.id, agentId: world.agent.agentId }, body.callId, 0);
    expect(final.status).toBe("succeeded");
    // Running it again does nothing: the claim is a conditional update.
    expect(await executeApprovedCall(world.db, body.callId)).toBe("not_claimed");
    await world.drain();
    expect(upstream.callCount("reset_password")).toBe(before + 1);
    const actions = (await world.db.select().from(auditEvents).where(eq(auditEvents.callId, body.callId))).map((event) => event.action);
    expect(actions).toEqual(["call.pending_approval", "approval.approved", "approval.approved", "call.approved", "call.succeeded"]);
  });

  it("denies the call on one denial, closes the other request, and tells the waiting agent with the comment", async () => {
    const world = await approvalWorld(database(), upstream);
    const { body } = await world.call("reset_password");
    const [technicianRequest] = (await requestsOf(world.db, body.callId)).filter((request) => request.kind === "technician");
    await decideApproval(world.db, {
      workspaceId: world.workspace.id,
      approvalRequestId: technicianRequest!.id,
      decision: "deny",
      comment: "Not without a ticket",
      actor: { kind: "user", userId: world.admin.id, via: "web" },
    });
    const view = await waitForCallChange(world.db, { workspaceId: world.workspace.id, agentId: world.agent.agentId }, body.callId, 0);
    expect(view).toMatchObject({ status: "denied", denial: { kind: "technician", comment: "Not without a ticket" } });
    expect((await requestsOf(world.db, body.callId)).map((request) => [request.kind, request.status]).sort()).toEqual([
      ["manager", "cancelled"],
      ["technician", "denied"],
    ]);
    const later = await decideApproval(world.db, {
      workspaceId: world.workspace.id,
      approvalRequestId: technicianRequest!.id,
      decision: "approve",
      actor: { kind: "user", userId: world.technician.id, via: "web" },
    });
    expect(later).toMatchObject({ outcome: "already_decided", status: "denied", decidedBy: "Avery Admin" });
  });

  it("lets only the right people decide: managers not the technician request, technicians not the manager request, nobody their own request, no other workspace", async () => {
    const world = await approvalWorld(database(), upstream);
    const { body } = await world.call("reset_password");
    const requests = await requestsOf(world.db, body.callId);
    const technicianRequest = requests.find((request) => request.kind === "technician")!;
    const managerRequest = requests.find((request) => request.kind === "manager")!;
    const decide = (approvalRequestId: string, actor: Parameters<typeof decideApproval>[1]["actor"], workspaceId = world.workspace.id) =>
      decideApproval(world.db, { workspaceId, approvalRequestId, decision: "approve", actor });
    await expect(decide(technicianRequest.id, { kind: "person", personId: world.boss.id, via: "deep_link" })).rejects.toThrow(
      /Only a technician or admin/,
    );
    await expect(decide(managerRequest.id, { kind: "user", userId: world.technician.id, via: "web" })).rejects.toThrow(
      /Only the requester's manager/,
    );
    await expect(decide(managerRequest.id, { kind: "person", personId: world.ann.id, via: "deep_link" })).rejects.toThrow(
      /Only the requester's manager/,
    );
    const requesterUser = await createUser(world.db, world.workspace.id, { role: "technician", email: world.annEmail });
    await expect(decide(technicianRequest.id, { kind: "user", userId: requesterUser.id, via: "web" })).rejects.toThrow(
      /You are the requester/,
    );
    const stranger = await createUser(world.db, (await createWorkspace(world.db)).id, { role: "admin" });
    await expect(decide(technicianRequest.id, { kind: "user", userId: stranger.id, via: "web" })).rejects.toThrow(
      /active technician or admin of this MSP/,
    );
    await expect(decide(technicianRequest.id, { kind: "user", userId: stranger.id, via: "web" }, stranger.workspaceId)).rejects.toThrow(
      /No such approval request/,
    );
    expect((await requestsOf(world.db, body.callId)).every((request) => request.status === "pending")).toBe(true);
  });

  it("a tool disabled after its call was approved: the save cancels the call, which never runs", async () => {
    const world = await approvalWorld(database(), upstream);
    const { body } = await world.call("delete_user");
    const [request] = await requestsOf(world.db, body.callId);
    await decideApproval(world.db, {
      workspaceId: world.workspace.id,
      approvalRequestId: request!.id,
      decision: "approve",
      actor: { kind: "user", userId: world.admin.id, via: "web" },
    });
    await world.setPolicy("delete_user", "disabled");
    const before = upstream.callCount("delete_user");
    await world.drain();
    expect(upstream.callCount("delete_user")).toBe(before);
    const [call] = await world.db.select().from(toolCalls).where(eq(toolCalls.id, body.callId));
    expect(call).toMatchObject({
      status: "cancelled",
      errorCode: "tool_disabled",
      errorMessage: "Cancelled before it ran: the tool is disabled.",
    });
  });

  it("expires an unanswered call, and never runs it afterwards", async () => {
    const world = await approvalWorld(database(), upstream);
    const { body } = await world.call("delete_user");
    expect(await expireCall(world.db, body.callId)).toBe(false);
    await world.db
      .update(toolCalls)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(toolCalls.id, body.callId));
    expect(await expireCall(world.db, body.callId)).toBe(true);
    const [request] = await requestsOf(world.db, body.callId);
    expect(request!.status).toBe("expired");
    const late = await decideApproval(world.db, {
      workspaceId: world.workspace.id,
      approvalRequestId: request!.id,
      decision: "approve",
      actor: { kind: "user", userId: world.admin.id, via: "web" },
    });
    expect(late.outcome).toBe("already_decided");
  });

  it("after a crash: a call claimed but not started runs once; a call started but not finished fails as outcome unknown and is not re-run", async () => {
    const world = await approvalWorld(database(), upstream);
    const claimed = await world.call("delete_user");
    const started = await world.call("delete_user");
    const old = new Date(Date.now() - 10 * 60_000);
    await world.db
      .update(toolCalls)
      .set({ status: "executing", executionClaimedAt: old, decidedAt: old })
      .where(eq(toolCalls.id, claimed.body.callId));
    await world.db
      .update(toolCalls)
      .set({ status: "executing", executionClaimedAt: old, startedAt: old, decidedAt: old })
      .where(eq(toolCalls.id, started.body.callId));
    const before = upstream.callCount("delete_user");
    const sweep = await sweepCalls(world.db);
    expect(sweep).toMatchObject({ released: 1, unknown: 1, executed: 1 });
    expect(upstream.callCount("delete_user")).toBe(before + 1);
    const [unknown] = await world.db.select().from(toolCalls).where(eq(toolCalls.id, started.body.callId));
    expect(unknown).toMatchObject({ status: "failed", errorCode: "outcome_unknown" });
    await sweepCalls(world.db);
    expect(upstream.callCount("delete_user")).toBe(before + 1);
    const events = await world.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.callId, started.body.callId), eq(auditEvents.action, "call.outcome_unknown")));
    expect(events).toHaveLength(1);
  });

  it("after a crash: an approved call whose job was lost runs at the first sweep 2 s after its decision, not before", async () => {
    const world = await approvalWorld(database(), upstream);
    const lost = await world.call("delete_user");
    const fresh = await world.call("delete_user");
    await world.db
      .update(toolCalls)
      .set({ status: "approved", decidedAt: new Date(Date.now() - 3_000) })
      .where(eq(toolCalls.id, lost.body.callId));
    await world.db.update(toolCalls).set({ status: "approved", decidedAt: new Date() }).where(eq(toolCalls.id, fresh.body.callId));
    const before = upstream.callCount("delete_user");
    const sweep = await sweepCalls(world.db);
    expect(sweep.executed).toBe(1);
    expect(upstream.callCount("delete_user")).toBe(before + 1);
    const [ran] = await world.db.select().from(toolCalls).where(eq(toolCalls.id, lost.body.callId));
    const [waiting] = await world.db.select().from(toolCalls).where(eq(toolCalls.id, fresh.body.callId));
    expect(ran!.status).toBe("succeeded");
    expect(waiting!.status).toBe("approved");
  });
});
