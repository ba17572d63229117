import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { approvalRequests, auditEvents, deliveries, directoryPeople, toolCalls } from "@/db/schema";
import { appRouter } from "@/server/api/root";
import { approvalWorld, type ApprovalWorld } from "@/test/approval-world";
import { setupTestDatabase } from "@/test/database";
import { createUser, uniqueSuffix } from "@/test/fixtures";
import { tool } from "@/test/mcp-upstream";
import { setupMcpUpstream } from "@/test/world";
import { addPerson } from "../directory/people";
import { decideApproval } from "./decide";

const database = setupTestDatabase();
const upstream = setupMcpUpstream([tool("get_user"), tool("reset_password"), tool("delete_user")]);

const requestOf = async (world: ApprovalWorld, callId: string, kind: "technician" | "manager") =>
  (
    await world.db
      .select()
      .from(approvalRequests)
      .where(and(eq(approvalRequests.callId, callId), eq(approvalRequests.kind, kind)))
  )[0]!;

describe("two approvals, two people", () => {
  it("no signed-in user can get a link that decides as the manager; a re-send goes only to the manager's stored address, audited and limited", async () => {
    const world = await approvalWorld(database(), upstream);
    const { body } = await world.call("reset_password");
    const managerRequest = await requestOf(world, body.callId, "manager");
    expect(managerRequest.approverEmail).toBe(
      (await world.db.select().from(directoryPeople).where(eq(directoryPeople.id, world.boss.id)))[0]!.email,
    );
    const caller = appRouter.createCaller({ db: world.db, user: world.technician });
    expect(Object.keys(appRouter._def.procedures)).not.toContain("approvals.managerLink");
    // The Directory changes after the request was made: the re-send still goes where the request was addressed.
    await world.db
      .update(directoryPeople)
      .set({ email: `someone-else-${uniqueSuffix()}@evil.test` })
      .where(eq(directoryPeople.id, world.boss.id));
    const resent = await caller.approvals.resendManagerRequest({ approvalRequestId: managerRequest.id });
    expect(resent).toEqual({ channels: ["email"], to: managerRequest.approverEmail });
    expect(JSON.stringify(resent)).not.toMatch(/approve\//);
    const sent = await world.db.select().from(deliveries).where(eq(deliveries.approvalRequestId, managerRequest.id));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((delivery) => delivery.recipient === managerRequest.approverEmail)).toBe(true);
    const audit = await world.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.callId, body.callId), eq(auditEvents.action, "approval.resent")));
    expect(audit[0]).toMatchObject({ actorId: world.technician.id, data: { to: managerRequest.approverEmail } });
    await caller.approvals.resendManagerRequest({ approvalRequestId: managerRequest.id });
    await caller.approvals.resendManagerRequest({ approvalRequestId: managerRequest.id });
    await expect(caller.approvals.resendManagerRequest({ approvalRequestId: managerRequest.id })).rejects.toThrow(/re-sent 3 times/);
  });

  it("the person who decided one request of a call can never decide the other, whatever the channel or spelling of their address", async () => {
    const world = await approvalWorld(database(), upstream);
    // Tina is a technician of the MSP and, in the client's Directory, Ann's manager — under a plus address.
    const tinaEmail = `tina-${uniqueSuffix()}@msp.test`;
    const tina = await createUser(world.db, world.workspace.id, { role: "technician", email: tinaEmail, name: "Tina Tech" });
    const tinaAsManager = await addPerson(world.ctx, {
      clientId: world.client.id,
      email: tinaEmail.replace("@", "+contoso@").toUpperCase(),
      name: "Tina (manager)",
    });
    const robEmail = `rob-${uniqueSuffix()}@contoso.test`;
    await addPerson(world.ctx, { clientId: world.client.id, email: robEmail, name: "Rob", managerId: tinaAsManager.id });
    const { status, body } = await world.call("reset_password", { arguments: { email: robEmail }, requester: { email: robEmail } });
    expect(status).toBe(202);
    const technicianRequest = await requestOf(world, body.callId, "technician");
    const managerRequest = await requestOf(world, body.callId, "manager");
    expect(managerRequest.approverPersonId).toBe(tinaAsManager.id);
    await decideApproval(world.db, {
      workspaceId: world.workspace.id,
      approvalRequestId: technicianRequest.id,
      decision: "approve",
      actor: { kind: "user", userId: tina.id, via: "web" },
    });
    await expect(
      decideApproval(world.db, {
        workspaceId: world.workspace.id,
        approvalRequestId: managerRequest.id,
        decision: "approve",
        actor: { kind: "person", personId: tinaAsManager.id, via: "deep_link" },
      }),
    ).rejects.toThrow(/already decided the technician request/);
    const [call] = await world.db.select().from(toolCalls).where(eq(toolCalls.id, body.callId));
    expect(call!.status).toBe("pending_approval");
  });

  it("refuses self-approval whatever the spelling: tina+x@ is Tina", async () => {
    const world = await approvalWorld(database(), upstream);
    const tinaEmail = `tina-${uniqueSuffix()}@contoso.test`;
    const tina = await createUser(world.db, world.workspace.id, { role: "technician", email: tinaEmail, name: "Tina" });
    await addPerson(world.ctx, { clientId: world.client.id, email: tinaEmail.replace("@", "+x@"), name: "Tina", managerId: world.boss.id });
    const { status, body } = await world.call("delete_user", { requester: { email: tinaEmail.replace("@", "+x@") } });
    expect(status).toBe(202);
    const technicianRequest = await requestOf(world, body.callId, "technician");
    await expect(
      decideApproval(world.db, {
        workspaceId: world.workspace.id,
        approvalRequestId: technicianRequest.id,
        decision: "approve",
        actor: { kind: "user", userId: tina.id, via: "web" },
      }),
    ).rejects.toThrow(/You are the requester/);
  });

  it("refuses a Manager Approval call with 422 manager_unreachable, creating nothing, when no channel can reach the manager", async () => {
    const world = await approvalWorld(database(), upstream, { email: false });
    const { status, body } = await world.call("reset_password");
    expect(status).toBe(422);
    expect(body.error).toMatchObject({ code: "manager_unreachable" });
    expect(body.error!.message).toMatch(/cannot be reached/);
    const pending = await world.db
      .select()
      .from(toolCalls)
      .where(and(eq(toolCalls.workspaceId, world.workspace.id), eq(toolCalls.status, "pending_approval")));
    expect(pending).toHaveLength(0);
    expect(await world.db.select().from(approvalRequests).where(eq(approvalRequests.workspaceId, world.workspace.id))).toHaveLength(0);
    // A technician-only tool still works without any channel: the inbox carries it.
    expect((await world.call("delete_user")).status).toBe(202);
  });
});
