import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as slackInteraction } from "@/app/api/slack/interactions/route";
import { approvalRequests, approvalVotes, auditEvents, toolCalls, tools, users } from "@/db/schema";
import { appRouter } from "@/server/api/root";
import { approvalWorld, type ApprovalWorld } from "@/test/approval-world";
import { setupTestDatabase } from "@/test/database";
import { createUser, uniqueSuffix } from "@/test/fixtures";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { startSlackStub, type SlackStub } from "@/test/slack-stub";
import { forgetEnv } from "../env";
import { addPerson } from "../directory/people";
import { connectIntegration } from "../integrations/connect";
import { closeMcpClients } from "../integrations/connectors/mcp";
import { signSlackRequest } from "../slack/verify-signature";
import { decideByLink } from "./deep-link";
import { decideApproval } from "./decide";
import { loadRequestSummary } from "./summary";
import { approvalRequestBlocks } from "./deliver/slack-message";
import { approvalCsrfToken, mintApprovalToken } from "./tokens";

const database = setupTestDatabase();
let upstream: McpUpstream;
let slack: SlackStub;
beforeAll(async () => {
  upstream = await startMcpUpstream({ tools: [tool("reset_password"), tool("delete_user")] });
  slack = await startSlackStub({ token: "xoxb-two" });
  process.env.SLACK_API_URL = slack.apiUrl;
  forgetEnv();
});
afterAll(async () => {
  await closeMcpClients();
  await Promise.all([upstream.close(), slack.close()]);
});

const technicianRequest = async (world: ApprovalWorld, callId: string) =>
  (
    await world.db
      .select()
      .from(approvalRequests)
      .where(and(eq(approvalRequests.callId, callId), eq(approvalRequests.kind, "technician")))
  )[0]!;
const callStatus = async (world: ApprovalWorld, callId: string) =>
  (await world.db.select().from(toolCalls).where(eq(toolCalls.id, callId)))[0]!;
const approveAs = (world: ApprovalWorld, requestId: string, userId: string, via: "web" | "slack" | "deep_link" = "web") =>
  decideApproval(world.db, {
    workspaceId: world.workspace.id,
    approvalRequestId: requestId,
    decision: "approve",
    actor: { kind: "user", userId, via },
  });

/** A Slack button press, signed as Slack signs it. */
async function pressSlack(requestId: string, slackUserId: string, action: "toolgate_approve" | "toolgate_deny" = "toolgate_approve") {
  const body = new URLSearchParams({
    payload: JSON.stringify({ type: "block_actions", user: { id: slackUserId }, actions: [{ action_id: action, value: requestId }] }),
  }).toString();
  const signed = signSlackRequest("two-secret", body);
  const response = await slackInteraction(
    new Request("http://localhost/api/slack/interactions", {
      method: "POST",
      headers: { "x-slack-request-timestamp": signed.timestamp, "x-slack-signature": signed.signature },
      body,
    }),
  );
  return ((await response.json()) as { text: string }).text;
}

async function twoPersonWorld() {
  const world = await approvalWorld(database(), upstream);
  await connectIntegration(world.ctx, {
    clientId: null,
    name: "Slack",
    slug: `slack-${uniqueSuffix()}`,
    settings: { kind: "slack", botToken: "xoxb-two", signingSecret: "two-secret" },
  });
  await world.setTechnicianApprovals("delete_user", 2);
  const slackId = `UT${uniqueSuffix()}`;
  await world.db.update(users).set({ slackUserId: slackId }).where(eq(users.id, world.technician.id));
  return { world, slackId };
}

describe("the two-person rule", () => {
  it("the same technician approving twice — web, Slack, deep link, another account on the same address — leaves the call pending; a second technician runs it once", async () => {
    const { world, slackId } = await twoPersonWorld();
    const { status, body } = await world.call("delete_user");
    expect(status).toBe(202);
    const request = await technicianRequest(world, body.callId);
    expect(request.requiredApprovals).toBe(2);

    const first = await approveAs(world, request.id, world.technician.id);
    expect(first).toMatchObject({ outcome: "decided", status: "approved", votes: { given: 1, required: 2 } });
    expect((await callStatus(world, body.callId)).status).toBe("pending_approval");
    expect((await technicianRequest(world, body.callId)).status).toBe("pending");

    // The same person again, by every channel.
    await expect(approveAs(world, request.id, world.technician.id)).rejects.toThrow(/already approved this request/);
    expect(await pressSlack(request.id, slackId)).toMatch(/already approved this request/);
    const token = await mintApprovalToken(world.db, {
      workspaceId: world.workspace.id,
      approvalRequestId: request.id,
      expiresAt: request.expiresAt,
      approver: { userId: world.technician.id },
    });
    const byLink = await decideByLink(world.db, {
      token,
      csrf: approvalCsrfToken(token),
      decision: "approve",
      comment: null,
      clientAddress: null,
    });
    expect(byLink.status).toBe(403);
    // A second account on the same person's address (plus-addressed, other case) is the same person.
    const technicianEmail = (await world.db.select().from(users).where(eq(users.id, world.technician.id)))[0]!.email;
    const twin = await createUser(world.db, world.workspace.id, {
      role: "technician",
      email: technicianEmail.replace("@", "+second@").toUpperCase(),
      name: "Terry again",
    });
    await expect(approveAs(world, request.id, twin.id)).rejects.toThrow(/already approved this request/);
    expect((await callStatus(world, body.callId)).status).toBe("pending_approval");
    expect(await world.db.select().from(approvalVotes).where(eq(approvalVotes.approvalRequestId, request.id))).toHaveLength(1);

    // The inbox, the Slack message and the deep-link page say where it stands.
    const inbox = await appRouter.createCaller({ db: world.db, user: world.admin }).approvals.inbox({ callId: body.callId });
    expect(inbox.items.find((item) => item.id === request.id)!.votes).toEqual({ given: 1, required: 2, by: ["Terry Tech"], mine: false });
    const summary = await loadRequestSummary(world.db, request.id);
    expect(JSON.stringify(approvalRequestBlocks(summary, "http://x/approve/t", true).blocks)).toContain("1 of 2 technicians approved");

    const before = upstream.callCount("delete_user");
    const second = await approveAs(world, request.id, world.admin.id, "slack");
    expect(second).toMatchObject({ outcome: "decided", status: "approved", callStatus: "approved", votes: { given: 2, required: 2 } });
    await world.drain();
    expect(upstream.callCount("delete_user")).toBe(before + 1);
    expect((await callStatus(world, body.callId)).status).toBe("succeeded");
    const votes = await world.db.select().from(approvalVotes).where(eq(approvalVotes.approvalRequestId, request.id));
    expect(votes.map((vote) => [vote.userId, vote.via]).sort()).toEqual(
      [
        [world.technician.id, "web"],
        [world.admin.id, "slack"],
      ].sort(),
    );
    const audit = await world.db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.callId, body.callId));
    expect(audit.map((event) => event.action)).toEqual(
      expect.arrayContaining(["approval.vote", "approval.approved", "call.approved", "call.succeeded"]),
    );
  });

  it("one denial still denies, after one approval", async () => {
    const { world } = await twoPersonWorld();
    const { body } = await world.call("delete_user");
    const request = await technicianRequest(world, body.callId);
    await approveAs(world, request.id, world.technician.id);
    const denied = await decideApproval(world.db, {
      workspaceId: world.workspace.id,
      approvalRequestId: request.id,
      decision: "deny",
      comment: "not today",
      actor: { kind: "user", userId: world.admin.id, via: "web" },
    });
    expect(denied).toMatchObject({ outcome: "decided", status: "denied" });
    const before = upstream.callCount("delete_user");
    await world.drain();
    expect(upstream.callCount("delete_user")).toBe(before);
    expect((await callStatus(world, body.callId)).status).toBe("denied");
  });

  it("a technician who approved the technician side cannot also be the manager, whatever the spelling of their address", async () => {
    const world = await approvalWorld(database(), upstream);
    await world.setTechnicianApprovals("reset_password", 2, true);
    // Tina is a technician of the MSP and, in the client's Directory, Rob's manager — under a plus address.
    const tinaEmail = `tina-${uniqueSuffix()}@msp.test`;
    const tina = await createUser(world.db, world.workspace.id, { role: "technician", email: tinaEmail, name: "Tina Tech" });
    const tinaAsManager = await addPerson(world.ctx, {
      clientId: world.client.id,
      email: tinaEmail.replace("@", "+contoso@"),
      name: "Tina (manager)",
    });
    const robEmail = `rob-${uniqueSuffix()}@contoso.test`;
    await addPerson(world.ctx, { clientId: world.client.id, email: robEmail, name: "Rob", managerId: tinaAsManager.id });
    const { status, body } = await world.call("reset_password", { arguments: { email: robEmail }, requester: { email: robEmail } });
    expect(status).toBe(202);
    expect(await approveAs(world, (await technicianRequest(world, body.callId)).id, tina.id)).toMatchObject({
      votes: { given: 1, required: 2 },
    });
    const [managerRequest] = await world.db
      .select()
      .from(approvalRequests)
      .where(and(eq(approvalRequests.callId, body.callId), eq(approvalRequests.kind, "manager")));
    expect(managerRequest!.requiredApprovals).toBe(1);
    await expect(
      decideApproval(world.db, {
        workspaceId: world.workspace.id,
        approvalRequestId: managerRequest!.id,
        decision: "approve",
        actor: { kind: "person", personId: tinaAsManager.id, via: "deep_link" },
      }),
    ).rejects.toThrow(/already decided the technician request/);
    expect((await callStatus(world, body.callId)).status).toBe("pending_approval");
  });

  it("snapshots K on the request when the call is made; raising K after the call was made cancels it through the decision, lowering it asks the call's K still", async () => {
    const world = await approvalWorld(database(), upstream);
    // Made with K = 1, then K raised to 2 by a save: the save's re-decision cancels the waiting call.
    const made = await world.call("delete_user");
    expect((await technicianRequest(world, made.body.callId)).requiredApprovals).toBe(1);
    await world.setTechnicianApprovals("delete_user", 2);
    expect(await callStatus(world, made.body.callId)).toMatchObject({ status: "cancelled", errorCode: "approvals_changed" });

    // Made with K = 2, then lowered to 1: one approval is still not enough for this call.
    const strict = await world.call("delete_user");
    expect((await technicianRequest(world, strict.body.callId)).requiredApprovals).toBe(2);
    await world.setTechnicianApprovals("delete_user", 1);
    const one = await approveAs(world, (await technicianRequest(world, strict.body.callId)).id, world.technician.id);
    expect(one).toMatchObject({ votes: { given: 1, required: 2 } });
    expect((await callStatus(world, strict.body.callId)).status).toBe("pending_approval");

    // Approved with K = 1, and K raised before it runs by a change that skipped the save path:
    // the decision before execution cancels it, the upstream is never called.
    const approved = await world.call("delete_user");
    await approveAs(world, (await technicianRequest(world, approved.body.callId)).id, world.technician.id);
    expect((await callStatus(world, approved.body.callId)).status).toBe("approved");
    await world.db
      .update(tools)
      .set({ technicianApprovals: 2 })
      .where(eq(tools.id, world.toolId("delete_user")));
    const before = upstream.callCount("delete_user");
    await world.drain();
    expect(upstream.callCount("delete_user")).toBe(before);
    expect(await callStatus(world, approved.body.callId)).toMatchObject({ status: "cancelled", errorCode: "approvals_changed" });
  });

  it("the policy save validates K and records its change in the history", async () => {
    const world = await approvalWorld(database(), upstream);
    await expect(world.setTechnicianApprovals("delete_user", 4)).rejects.toThrow(/1, 2 or 3/);
    const caller = appRouter.createCaller({ db: world.db, user: world.admin });
    await expect(
      caller.policies.save({
        integrationId: world.integrationId,
        revision: await world.revision(),
        changes: [{ toolId: world.toolId("delete_user"), policy: "auto", managerApproval: false, technicianApprovals: 2 }],
      }),
    ).rejects.toThrow(/needs the policy "Needs technician approval"/);
    await world.setTechnicianApprovals("delete_user", 3);
    const history = await caller.policies.history({ integrationId: world.integrationId });
    expect(history[0]).toMatchObject({ toolName: "delete_user", fromTechnicianApprovals: 1, toTechnicianApprovals: 3 });
    // A save that does not name K leaves it as it is.
    await world.setPolicy("delete_user", "approval_needed", true);
    expect(
      (
        await world.db
          .select()
          .from(tools)
          .where(eq(tools.id, world.toolId("delete_user")))
      )[0]!.technicianApprovals,
    ).toBe(3);
  });
});
