import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalRequests, auditEvents, toolCalls } from "@/db/schema";
import { appRouter } from "@/server/api/root";
import { approvalWorld, type ApprovalWorld } from "@/test/approval-world";
import { setupTestDatabase } from "@/test/database";
import { createUser } from "@/test/fixtures";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { closeMcpClients } from "../integrations/connectors/mcp";
import { decideApproval } from "./decide";

const database = setupTestDatabase();
let upstream: McpUpstream;
beforeAll(async () => {
  upstream = await startMcpUpstream({ tools: [tool("reset_password"), tool("delete_user")] });
});
afterAll(async () => {
  await closeMcpClients();
  await upstream.close();
});

const requestsOf = async (world: ApprovalWorld, callId: string) =>
  world.db.select().from(approvalRequests).where(eq(approvalRequests.callId, callId));
const technicianRequestOf = async (world: ApprovalWorld, callId: string) =>
  (await requestsOf(world, callId)).find((request) => request.kind === "technician")!;

describe("batch decisions", () => {
  it("decides each request on its own with one comment, reports what someone else decided first and what the user may not decide, and runs each call once", async () => {
    const world = await approvalWorld(database(), upstream);
    const technicianEmail = world.technician.email;
    const calls = await Promise.all(
      [0, 1, 2].map((index) => world.call("delete_user", { arguments: { email: world.annEmail, note: `n${index}` } })),
    );
    // The technician is the requester of this one: they may not approve it, in a batch or not.
    const own = await world.call("delete_user", { requester: { email: technicianEmail } });
    expect(own.status).toBe(202);
    const requests = await Promise.all([...calls, own].map((call) => technicianRequestOf(world, call.body.callId)));
    // Someone else decides the second one first.
    await decideApproval(world.db, {
      workspaceId: world.workspace.id,
      approvalRequestId: requests[1]!.id,
      decision: "approve",
      actor: { kind: "user", userId: world.admin.id, via: "web" },
    });
    const before = upstream.callCount("delete_user");

    const caller = appRouter.createCaller({ db: world.db, user: world.technician });
    const result = await caller.approvals.decideBatch({
      approvalRequestIds: requests.map((request) => request.id),
      decision: "approve",
      comment: "Checked with Ann",
    });
    expect(result).toMatchObject({ decided: 2, alreadyDecided: 1, refused: 1 });
    expect(result.items.find((item) => item.approvalRequestId === requests[1]!.id)).toMatchObject({
      outcome: "already_decided",
      status: "approved",
      decidedBy: "Avery Admin",
    });
    expect(result.items.find((item) => item.approvalRequestId === requests[3]!.id)).toMatchObject({
      outcome: "refused",
      message: expect.stringMatching(/You are the requester/),
    });

    // Each decided request carries the comment and its own audit events.
    const decided = await world.db
      .select()
      .from(approvalRequests)
      .where(inArray(approvalRequests.id, [requests[0]!.id, requests[2]!.id]));
    expect(decided.map((request) => [request.status, request.comment, request.decidedByUserId])).toEqual([
      ["approved", "Checked with Ann", world.technician.id],
      ["approved", "Checked with Ann", world.technician.id],
    ]);
    const approvedEvents = await world.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.workspaceId, world.workspace.id), eq(auditEvents.action, "approval.approved")));
    expect(approvedEvents).toHaveLength(3);

    await world.drain();
    expect(upstream.callCount("delete_user")).toBe(before + 3);
    const statuses = await world.db
      .select({ id: toolCalls.id, status: toolCalls.status })
      .from(toolCalls)
      .where(
        inArray(
          toolCalls.id,
          [...calls, own].map((call) => call.body.callId),
        ),
      );
    expect(Object.fromEntries(statuses.map((row) => [row.id, row.status]))).toEqual({
      [calls[0]!.body.callId]: "succeeded",
      [calls[1]!.body.callId]: "succeeded",
      [calls[2]!.body.callId]: "succeeded",
      [own.body.callId]: "pending_approval",
    });
  });

  it("never batches a manager request: a batch naming one is refused whole, and nothing is decided", async () => {
    const world = await approvalWorld(database(), upstream);
    const plain = await world.call("delete_user");
    const withManager = await world.call("reset_password");
    const [managerRequest] = (await requestsOf(world, withManager.body.callId)).filter((request) => request.kind === "manager");
    const technicianRequest = await technicianRequestOf(world, plain.body.callId);
    const caller = appRouter.createCaller({ db: world.db, user: world.technician });
    await expect(
      caller.approvals.decideBatch({ approvalRequestIds: [technicianRequest.id, managerRequest!.id], decision: "deny" }),
    ).rejects.toThrow(/Manager requests are never decided in a batch/);
    const after = await world.db
      .select({ status: approvalRequests.status })
      .from(approvalRequests)
      .where(inArray(approvalRequests.id, [technicianRequest.id, managerRequest!.id]));
    expect(after.map((row) => row.status)).toEqual(["pending", "pending"]);
  });

  it("denies a batch with one comment, and under the two-person rule a batch approval is one technician's vote", async () => {
    const world = await approvalWorld(database(), upstream);
    await world.setTechnicianApprovals("delete_user", 2);
    const calls = await Promise.all([0, 1, 2].map(() => world.call("delete_user")));
    const requests = await Promise.all(calls.map((call) => technicianRequestOf(world, call.body.callId)));
    const asTechnician = appRouter.createCaller({ db: world.db, user: world.technician });
    const asAdmin = appRouter.createCaller({ db: world.db, user: world.admin });

    const denied = await asTechnician.approvals.decideBatch({ approvalRequestIds: [requests[2]!.id], decision: "deny", comment: "no" });
    expect(denied).toMatchObject({ decided: 1, items: [{ outcome: "decided", status: "denied" }] });

    const first = await asTechnician.approvals.decideBatch({ approvalRequestIds: [requests[0]!.id, requests[1]!.id], decision: "approve" });
    expect(first.items.map((item) => (item.outcome === "decided" ? item.votes : null))).toEqual([
      { given: 1, required: 2 },
      { given: 1, required: 2 },
    ]);
    const again = await asTechnician.approvals.decideBatch({ approvalRequestIds: [requests[0]!.id], decision: "approve" });
    expect(again).toMatchObject({ refused: 1, items: [{ outcome: "refused", message: expect.stringMatching(/already approved/) }] });
    const before = upstream.callCount("delete_user");
    await world.drain();
    expect(upstream.callCount("delete_user")).toBe(before);

    const second = await asAdmin.approvals.decideBatch({
      approvalRequestIds: [requests[0]!.id, requests[1]!.id, requests[2]!.id],
      decision: "approve",
    });
    expect(second).toMatchObject({ decided: 2, alreadyDecided: 1 });
    await world.drain();
    expect(upstream.callCount("delete_user")).toBe(before + 2);
  });

  it("the inbox narrows to waiting technician requests of one tool, requester or client", async () => {
    const world = await approvalWorld(database(), upstream);
    const other = await createUser(world.db, world.workspace.id, { role: "technician", name: "Other" });
    const plain = await world.call("delete_user");
    const forOther = await world.call("delete_user", { requester: { email: other.email } });
    await world.call("reset_password");
    const caller = appRouter.createCaller({ db: world.db, user: world.technician });

    const byTool = await caller.approvals.inbox({ filter: { toolId: world.toolId("delete_user") } });
    expect(byTool.items.map((item) => item.call.id).sort()).toEqual([plain.body.callId, forOther.body.callId].sort());
    expect(byTool.items.every((item) => item.kind === "technician" && item.status === "pending")).toBe(true);

    const byRequester = await caller.approvals.inbox({ filter: { requesterEmail: world.annEmail.toUpperCase() } });
    expect(byRequester.items.map((item) => item.call.toolName).sort()).toEqual(["delete_user", "reset_password"]);
    expect(byRequester.items.every((item) => item.kind === "technician")).toBe(true);

    const byClient = await caller.approvals.inbox({ filter: { clientId: world.client.id } });
    expect(byClient.items).toHaveLength(3);
    expect(byClient.pendingCount).toBe(3);

    // Another workspace's tool id finds nothing here.
    const elsewhere = await approvalWorld(database(), upstream);
    await elsewhere.call("delete_user");
    const foreign = await caller.approvals.inbox({ filter: { toolId: elsewhere.toolId("delete_user") } });
    expect(foreign.items).toHaveLength(0);
  });
});
