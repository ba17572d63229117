import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalRequests, approvalTokens, auditEvents, deliveries, jobs, toolCalls, tools, users, workspaces } from "@/db/schema";
import { POST as slackInteraction } from "@/app/api/slack/interactions/route";
import { approvalWorld } from "@/test/approval-world";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace } from "@/test/fixtures";
import { agentGet } from "@/test/gateway";
import { getCall } from "@/test/gateway-routes";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { sharedSmtpCapture } from "@/test/smtp-capture";
import { startSlackStub, type SlackStub } from "@/test/slack-stub";
import { decodedBody } from "@/test/smtp-capture";
import { forgetEnv } from "../../env";
import { connectIntegration } from "../../integrations/connect";
import { closeMcpClients } from "../../integrations/connectors/mcp";
import type { JobOf } from "../../jobs/kinds";
import { signSlackRequest } from "../../slack/verify-signature";
import { decideApproval } from "../decide";
import { escalateApproval } from "./escalate";
import { escalationTimers } from "./schedule";
import { saveEscalationSettings, setToolEscalationMinutes } from "./settings";

const database = setupTestDatabase();
let upstream: McpUpstream;
let slack: SlackStub;
const SECRET = "escalation-signing-secret";
const CHANNEL = "#helpdesk-escalations";

beforeAll(async () => {
  upstream = await startMcpUpstream({ tools: [tool("reset_password"), tool("delete_user")] });
  slack = await startSlackStub({ token: "xoxb-escalate" });
  process.env.SLACK_API_URL = slack.apiUrl;
  process.env.TOOLGATE_URL = "https://toolgate.example";
  forgetEnv();
});
afterAll(async () => {
  await closeMcpClients();
  await Promise.all([upstream.close(), slack.close()]);
  delete process.env.TOOLGATE_URL;
  forgetEnv();
});

/** An approval world with Slack (interactive), an escalation group of one (Gina) and a channel. */
async function escalationWorld(options: { secondMinutes?: number | null } = {}) {
  const world = await approvalWorld(database(), upstream);
  await connectIntegration(world.ctx, {
    clientId: null,
    name: "MSP Slack",
    slug: "slack",
    settings: { kind: "slack", botToken: "xoxb-escalate", signingSecret: SECRET },
  });
  const gina = await createUser(world.db, world.workspace.id, { role: "technician", name: "Gina Group" });
  await world.db.update(users).set({ approvalNotify: "both" }).where(eq(users.id, gina.id));
  slack.setUsers([
    { id: "UADMIN", email: world.admin.email },
    { id: "UTECH", email: world.technician.email },
    { id: "UGINA", email: gina.email },
  ]);
  await saveEscalationSettings(world.ctx, {
    minutes: 15,
    userIds: [gina.id],
    slackChannel: CHANNEL,
    secondMinutes: options.secondMinutes === undefined ? 60 : options.secondMinutes,
  });
  const request = async (callId: string) =>
    (
      await world.db
        .select()
        .from(approvalRequests)
        .where(and(eq(approvalRequests.callId, callId), eq(approvalRequests.kind, "technician")))
    )[0]!;
  const escalationJobsOf = async (approvalRequestId: string) =>
    (await world.db.select().from(jobs).where(eq(jobs.kind, "escalate_approval"))).filter(
      (job) => (job.payload as { approvalRequestId: string }).approvalRequestId === approvalRequestId,
    );
  /** Makes the request's escalation timers due now (the worker then runs them). */
  const makeDue = async (approvalRequestId: string, level: 1 | 2) => {
    for (const job of await escalationJobsOf(approvalRequestId))
      if ((job.payload as { level: number }).level === level)
        await world.db
          .update(jobs)
          .set({ runAt: sql`now()` })
          .where(eq(jobs.id, job.id));
  };
  const escalations = async (callId: string) =>
    world.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.callId, callId), eq(auditEvents.action, "approval.escalated")));
  return { ...world, gina, request, escalationJobsOf, makeDue, escalations };
}

function interaction(approvalRequestId: string, slackUserId: string, action = "toolgate_approve") {
  const body = new URLSearchParams({
    payload: JSON.stringify({
      type: "block_actions",
      user: { id: slackUserId },
      actions: [{ action_id: action, value: approvalRequestId }],
    }),
  }).toString();
  const signed = signSlackRequest(SECRET, body);
  return new Request("http://localhost/api/slack/interactions", {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": signed.timestamp,
      "x-slack-signature": signed.signature,
    },
    body,
  });
}

describe("escalation timers", () => {
  it("are due after the tool's minutes or else the workspace's; the second level only when later; none past the expiry", () => {
    const at = new Date("2026-12-01T10:00:00Z");
    const expires = new Date("2026-12-02T10:00:00Z");
    const setup = { minutes: 15, toolMinutes: null, hasGroup: true, hasChannel: false, secondMinutes: 60 };
    expect(escalationTimers(setup, at, expires)).toEqual([
      { level: 1, afterMinutes: 15, runAt: new Date("2026-12-01T10:15:00Z") },
      { level: 2, afterMinutes: 60, runAt: new Date("2026-12-01T11:00:00Z") },
    ]);
    expect(escalationTimers({ ...setup, toolMinutes: 5 }, at, expires)[0]!.runAt).toEqual(new Date("2026-12-01T10:05:00Z"));
    expect(escalationTimers({ ...setup, toolMinutes: 90 }, at, expires).map((timer) => timer.level)).toEqual([1]);
    expect(escalationTimers({ ...setup, hasGroup: false }, at, expires).map((timer) => timer.level)).toEqual([2]);
    expect(escalationTimers({ ...setup, hasGroup: false, secondMinutes: null }, at, expires)).toEqual([]);
    expect(escalationTimers(setup, at, new Date("2026-12-01T10:30:00Z")).map((timer) => timer.level)).toEqual([1]);
    expect(escalationTimers(setup, at, expires, 1_000)[0]!.runAt).toEqual(new Date("2026-12-01T10:00:15Z"));
  });

  it("are scheduled in the request's own transaction, at the tool's minutes when it has its own", async () => {
    const world = await escalationWorld();
    const [deleteUser] = await world.db
      .select()
      .from(tools)
      .where(and(eq(tools.integrationId, world.integrationId), eq(tools.name, "delete_user")));
    await setToolEscalationMinutes(world.ctx, { toolId: deleteUser!.id, minutes: 5 });
    const { body } = await world.call("delete_user");
    const request = await world.request(body.callId);
    const timers = await world.escalationJobsOf(request.id);
    expect(timers.map((job) => job.payload).sort((a, b) => Number(a.level) - Number(b.level))).toEqual([
      { approvalRequestId: request.id, level: 1, afterMinutes: 5 },
      { approvalRequestId: request.id, level: 2, afterMinutes: 60 },
    ]);
    // now() is the transaction's start: the same instant for the request and its timers, so one transaction wrote them.
    for (const job of timers) expect(job.createdAt.getTime()).toBe(request.createdAt.getTime());
    const level1 = timers.find((job) => job.payload.level === 1)!;
    expect(level1.runAt.getTime() - request.createdAt.getTime()).toBeGreaterThanOrEqual(5 * 60_000);
    expect(level1.runAt.getTime() - request.createdAt.getTime()).toBeLessThan(6 * 60_000);
    // The manager's request never escalates: it has its own approver.
    const { body: withManager } = await world.call("reset_password");
    const [managerRequest] = await world.db
      .select()
      .from(approvalRequests)
      .where(and(eq(approvalRequests.callId, withManager.callId), eq(approvalRequests.kind, "manager")));
    expect(await world.escalationJobsOf(managerRequest!.id)).toEqual([]);
    expect(await world.escalationJobsOf((await world.request(withManager.callId)).id)).toHaveLength(2);
  });

  it("are not scheduled when there is nobody to escalate to", async () => {
    const world = await escalationWorld({ secondMinutes: null });
    await saveEscalationSettings(world.ctx, { minutes: 15, userIds: [], slackChannel: null, secondMinutes: null });
    const { body } = await world.call("delete_user");
    expect(await world.escalationJobsOf((await world.request(body.callId)).id)).toEqual([]);
  });
});

describe("escalating an unanswered request", () => {
  it("fires once: marks it escalated, posts to the channel without a token and DMs and e-mails the group the inbox; a re-run changes nothing", async () => {
    const world = await escalationWorld();
    const { body } = await world.call("delete_user");
    await world.drain();
    const request = await world.request(body.callId);
    const tokensBefore = (await world.db.select().from(approvalTokens).where(eq(approvalTokens.approvalRequestId, request.id))).length;
    slack.calls.length = 0;
    const smtp = await sharedSmtpCapture();
    const mailsBefore = smtp.messages.length;

    await world.makeDue(request.id, 1);
    await world.drain();

    expect(await world.request(body.callId)).toMatchObject({ escalationLevel: 1, status: "pending" });
    const events = await world.escalations(body.callId);
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ escalationLevel: 1, afterMinutes: 15, to: [`Slack ${CHANNEL}`, "Gina Group"] });
    const posts = slack.callsTo("chat.postMessage");
    expect(posts.map((post) => post.params.channel).sort()).toEqual([CHANNEL, "DUGINA"]);
    const channelPost = posts.find((post) => post.params.channel === CHANNEL)!;
    const everything = JSON.stringify(channelPost.params);
    expect(everything).not.toContain("/approve/");
    expect(everything).toContain(`https://toolgate.example/approvals?call=${body.callId}`);
    const blocks = JSON.parse(channelPost.params.blocks!) as Array<{
      type: string;
      text?: { text: string };
      elements?: Array<{ action_id: string }>;
    }>;
    expect(blocks[0]!.text!.text).toMatch(/^Escalated/);
    expect(blocks.at(-1)!.elements!.map((element) => element.action_id)).toEqual([
      "toolgate_approve",
      "toolgate_deny",
      "toolgate_open_inbox",
    ]);
    // Gina's DM and e-mail link to her signed-in inbox too: an escalation mints no deep-link token.
    expect(JSON.stringify(posts.find((post) => post.params.channel === "DUGINA")!.params)).not.toContain("/approve/");
    const mail = smtp.messages.slice(mailsBefore).find((message) => message.to.includes(world.gina.email))!;
    expect(mail).toBeDefined();
    expect(decodedBody(mail.raw)).toContain(`https://toolgate.example/approvals?call=${body.callId}`);
    expect(decodedBody(mail.raw)).not.toContain("/approve/");
    expect((await world.db.select().from(approvalTokens).where(eq(approvalTokens.approvalRequestId, request.id))).length).toBe(
      tokensBefore,
    );

    // The same job again (a retry, a crash after its commit, another instance): nothing more happens.
    const [job] = (await world.escalationJobsOf(request.id)).filter((row) => row.payload.level === 1);
    await escalateApproval(job as unknown as JobOf<"escalate_approval">, world.db);
    await world.drain();
    expect(await world.escalations(body.callId)).toHaveLength(1);
    expect(slack.callsTo("chat.postMessage")).toHaveLength(2);
    const escalated = await world.db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.callId, body.callId), eq(deliveries.escalationLevel, 1)));
    expect(escalated.map((delivery) => `${delivery.channel}:${delivery.recipient}`).sort()).toEqual([
      `email:${world.gina.email}`,
      `slack:${CHANNEL}`,
      `slack:${world.gina.email}`,
    ]);
  });

  it("does not fire for a request decided before its time", async () => {
    const world = await escalationWorld();
    const { body } = await world.call("delete_user");
    await world.drain();
    const request = await world.request(body.callId);
    await decideApproval(world.db, {
      workspaceId: world.workspace.id,
      approvalRequestId: request.id,
      decision: "deny",
      actor: { kind: "user", userId: world.technician.id, via: "web" },
    });
    slack.calls.length = 0;
    await world.makeDue(request.id, 1);
    await world.makeDue(request.id, 2);
    await world.drain();
    expect(await world.request(body.callId)).toMatchObject({ status: "denied", escalationLevel: 0, escalatedAt: null });
    expect(await world.escalations(body.callId)).toEqual([]);
    expect(slack.callsTo("chat.postMessage")).toEqual([]);
    const escalated = await world.db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.callId, body.callId), sql`${deliveries.escalationLevel} > 0`));
    expect(escalated).toEqual([]);
  });

  it("the channel's buttons decide only for Slack users mapped to the workspace's approvers", async () => {
    const world = await escalationWorld();
    const { body } = await world.call("delete_user");
    await world.drain();
    const request = await world.request(body.callId);
    await world.makeDue(request.id, 1);
    await world.drain();

    // A channel member Toolgate does not know (a Slack Connect guest, say) decides nothing.
    const guest = await slackInteraction(interaction(request.id, "UGUEST"));
    expect(await guest.json()).toMatchObject({
      response_type: "ephemeral",
      text: expect.stringMatching(/does not know you as an approver/),
    });
    expect((await world.request(body.callId)).status).toBe("pending");
    // A Slack user mapped to an approver of another workspace decides nothing here either.
    const elsewhere = await createWorkspace(world.db);
    const outsider = await createUser(world.db, elsewhere.id, { role: "admin" });
    await world.db.update(users).set({ slackUserId: "UOUTSIDER" }).where(eq(users.id, outsider.id));
    expect(await (await slackInteraction(interaction(request.id, "UOUTSIDER"))).json()).toMatchObject({
      text: expect.stringMatching(/does not know you as an approver/),
    });
    expect((await world.request(body.callId)).status).toBe("pending");

    slack.calls.length = 0;
    const gina = await slackInteraction(interaction(request.id, "UGINA"));
    expect(await gina.json()).toMatchObject({ text: expect.stringMatching(/^Approved/) });
    expect(await world.request(body.callId)).toMatchObject({ status: "approved", decidedByUserId: world.gina.id, decidedVia: "slack" });
    await world.drain();
    // The channel's message is updated like every DM: the decision, and no buttons left.
    const updates = slack.callsTo("chat.update");
    expect(updates.map((update) => update.params.channel)).toContain(CHANNEL);
    const updated = updates.find((update) => update.params.channel === CHANNEL)!;
    expect(updated.params.blocks).toContain("Approved by Gina Group");
    expect(updated.params.blocks).not.toContain("toolgate_approve");
  });

  it("the agent sees `escalated` in the call's approvals; the second level goes to the admins", async () => {
    const world = await escalationWorld();
    const { body } = await world.call("delete_user");
    await world.drain();
    const request = await world.request(body.callId);
    const status = async () => {
      const response = await getCall(agentGet(`/api/gateway/calls/${body.callId}`, world.agent.key), {
        params: Promise.resolve({ callId: body.callId }),
      });
      return (await response.json()) as { status: string; approvals: Array<{ kind: string; escalated: boolean }> };
    };
    expect((await status()).approvals).toEqual([expect.objectContaining({ kind: "technician", status: "pending", escalated: false })]);
    await world.makeDue(request.id, 1);
    await world.drain();
    expect((await status()).approvals).toEqual([expect.objectContaining({ kind: "technician", status: "pending", escalated: true })]);

    slack.calls.length = 0;
    await world.makeDue(request.id, 2);
    await world.drain();
    expect(await world.request(body.callId)).toMatchObject({ escalationLevel: 2 });
    const events = await world.escalations(body.callId);
    expect(events.map((event) => event.data.escalationLevel).sort()).toEqual([1, 2]);
    expect(events.find((event) => event.data.escalationLevel === 2)!.data.to).toEqual(["Avery Admin"]);
    expect(slack.callsTo("chat.postMessage").map((post) => post.params.channel)).toEqual(["DUADMIN"]);
    const [call] = await world.db.select().from(toolCalls).where(eq(toolCalls.id, body.callId));
    expect(call!.status).toBe("pending_approval");
  });
});

describe("escalation settings", () => {
  it("refuse a group member from another workspace and a second level before the first, saving nothing", async () => {
    const world = await escalationWorld();
    const elsewhere = await createWorkspace(world.db);
    const stranger = await createUser(world.db, elsewhere.id, { role: "technician" });
    await expect(
      saveEscalationSettings(world.ctx, { minutes: 10, userIds: [stranger.id], slackChannel: null, secondMinutes: null }),
    ).rejects.toMatchObject({ code: "not_found" });
    await expect(
      saveEscalationSettings(world.ctx, { minutes: 30, userIds: [], slackChannel: null, secondMinutes: 20 }),
    ).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/second level must come later/) });
    const [row] = await world.db.select().from(workspaces).where(eq(workspaces.id, world.workspace.id));
    expect(row).toMatchObject({ escalationMinutes: 15, escalationUserIds: [world.gina.id], escalationSecondMinutes: 60 });
  });
});
