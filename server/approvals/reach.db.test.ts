import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, deliveries, users } from "@/db/schema";
import { approvalWorld } from "@/test/approval-world";
import { setupTestDatabase } from "@/test/database";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { startSlackStub, type SlackStub } from "@/test/slack-stub";
import { decodedBody, startSmtpCapture } from "@/test/smtp-capture";
import { getCallDetail } from "../activity/list-calls";
import { forgetEnv } from "../env";
import { connectIntegration } from "../integrations/connect";
import { closeMcpClients } from "../integrations/connectors/mcp";
import { explainReach, technicianRequestsUnreached } from "./reach";
import { updateWorkspaceSettings } from "../workspaces/settings";
import { setMyApprovalNotify } from "../users/approval-notify";
import { listApprovalInbox } from "./inbox";
import { decideApproval } from "./decide";
import { approvalRequests } from "@/db/schema";

const database = setupTestDatabase();
let upstream: McpUpstream;
let slack: SlackStub;
let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;

beforeAll(async () => {
  upstream = await startMcpUpstream({ tools: [tool("reset_password"), tool("delete_user")] });
  slack = await startSlackStub({ token: "xoxb-reach" });
  smtp = await startSmtpCapture();
  process.env.SLACK_API_URL = slack.apiUrl;
  process.env.TOOLGATE_URL = "https://toolgate.example";
  forgetEnv();
});
afterAll(async () => {
  await closeMcpClients();
  await Promise.all([upstream.close(), slack.close(), smtp.close()]);
  delete process.env.TOOLGATE_URL;
  forgetEnv();
});

type Reached = { kind: string; channels: string[] };

const setUpEmail = (world: Awaited<ReturnType<typeof approvalWorld>>) =>
  updateWorkspaceSettings(world.ctx, {
    smtp: { host: "127.0.0.1", port: smtp.port, secure: false, username: null, from: "Toolgate <approvals@msp.test>" },
  });

const connectSlack = (world: Awaited<ReturnType<typeof approvalWorld>>) =>
  connectIntegration(world.ctx, {
    clientId: null,
    name: "MSP Slack",
    slug: "slack",
    settings: { kind: "slack", botToken: "xoxb-reach", signingSecret: "signing-secret" },
  });

const warnings = (world: Awaited<ReturnType<typeof approvalWorld>>, callId: string) =>
  world.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.callId, callId), eq(auditEvents.action, "approval.unreached")));

describe("who an approval request really reaches", () => {
  it("with nothing set up: the agent, the call's timeline, the inbox and the banner all say only the inbox has it; SMTP set up clears it", async () => {
    const world = await approvalWorld(database(), upstream, { email: false });
    const { status, body } = await world.call("delete_user");
    expect(status).toBe(202);
    expect((body.approvals as Reached[]).map((approval) => approval.channels)).toEqual([["inbox"]]);
    const [warning] = await warnings(world, body.callId);
    expect(warning?.data).toMatchObject({ level: "warning" });
    expect(await technicianRequestsUnreached(world.db, world.workspace.id)).toBe(true);
    const detail = await getCallDetail(world.ctx, { callId: body.callId });
    expect(detail.approvals.map((approval) => approval.channels)).toEqual([["inbox"]]);
    expect(detail.timeline.some((entry) => entry.type === "event" && entry.event.action === "approval.unreached")).toBe(true);
    const inbox = await listApprovalInbox(world.ctx, { callId: body.callId });
    expect(inbox.items.map((item) => item.channels)).toEqual([["inbox"]]);
    expect((await explainReach(world.db, world.workspace.id, world.client.id)).technician).toEqual(["inbox"]);

    await setUpEmail(world);
    expect(await technicianRequestsUnreached(world.db, world.workspace.id)).toBe(false);
    const next = await world.call("delete_user");
    expect((next.body.approvals as Reached[]).map((approval) => approval.channels)).toEqual([["inbox", "email"]]);
    expect(await warnings(world, next.body.callId)).toHaveLength(0);
    expect((await explainReach(world.db, world.workspace.id, world.client.id)).technician).toEqual(["inbox", "email"]);
  });

  it("tells the agent the manager's channels next to the technician's", async () => {
    const world = await approvalWorld(database(), upstream, { email: false });
    await setUpEmail(world);
    const { status, body } = await world.call("reset_password");
    expect(status).toBe(202);
    expect(body.approvals as Reached[]).toEqual([
      { kind: "technician", status: "pending", channels: ["inbox", "email"] },
      { kind: "manager", status: "pending", channels: ["email"] },
    ]);
  });
});

describe("technicians by e-mail (their own choice: Slack, e-mail or both)", () => {
  it("e-mails each technician a deep link when SMTP is set up and Slack is not — never the requester", async () => {
    const world = await approvalWorld(database(), upstream, { email: false });
    await setUpEmail(world);
    smtp.messages.length = 0;
    const { body } = await world.call("delete_user");
    await world.drain();
    const sent = await world.db.select().from(deliveries).where(eq(deliveries.callId, body.callId));
    expect(sent.map((delivery) => [delivery.channel, delivery.recipient, delivery.status]).sort()).toEqual(
      [
        ["email", world.admin.email, "sent"],
        ["email", world.technician.email, "sent"],
      ].sort(),
    );
    const toTechnician = smtp.messages.find((message) => message.to.includes(world.technician.email));
    expect(decodedBody(toTechnician!.raw)).toMatch(/https:\/\/toolgate\.example\/approve\/[A-Za-z0-9_-]{40,60}/);
  });

  it("with Slack and e-mail both set up, follows each technician's preference", async () => {
    const world = await approvalWorld(database(), upstream, { email: false });
    await setUpEmail(world);
    await connectSlack(world);
    slack.setUsers([
      { id: "UADMIN", email: world.admin.email },
      { id: "UTECH", email: world.technician.email },
    ]);
    await setMyApprovalNotify({ db: world.db, user: world.technician }, { approvalNotify: "both" });
    await setMyApprovalNotify({ db: world.db, user: world.admin }, { approvalNotify: "email" });
    const [stored] = await world.db.select().from(users).where(eq(users.id, world.technician.id));
    expect(stored?.approvalNotify).toBe("both");
    const { body } = await world.call("delete_user");
    await world.drain();
    const sent = await world.db.select().from(deliveries).where(eq(deliveries.callId, body.callId));
    expect(sent.map((delivery) => `${delivery.channel}:${delivery.recipient}`).sort()).toEqual(
      [`email:${world.admin.email}`, `email:${world.technician.email}`, `slack:${world.technician.email}`].sort(),
    );
  });
});

describe("inbox and call page context", () => {
  it("the technician's card says the manager approved; the call page names the manager; its timeline is in time order", async () => {
    const world = await approvalWorld(database(), upstream);
    const { body } = await world.call("reset_password");
    await world.drain();
    const requests = await world.db.select().from(approvalRequests).where(eq(approvalRequests.callId, body.callId));
    const managerRequest = requests.find((request) => request.kind === "manager")!;
    const technicianRequest = requests.find((request) => request.kind === "technician")!;
    const before = await listApprovalInbox(world.ctx, { callId: body.callId });
    expect(before.items.find((item) => item.id === technicianRequest.id)?.others).toMatchObject([{ kind: "manager", status: "pending" }]);
    await decideApproval(world.db, {
      workspaceId: world.workspace.id,
      approvalRequestId: managerRequest.id,
      decision: "approve",
      comment: null,
      actor: { kind: "person", personId: world.boss.id, via: "deep_link" },
    });
    const after = await listApprovalInbox(world.ctx, { callId: body.callId });
    expect(after.items.find((item) => item.id === technicianRequest.id)?.others).toMatchObject([
      { kind: "manager", status: "approved", decidedBy: "Boss Manager" },
    ]);
    const detail = await getCallDetail(world.ctx, { callId: body.callId });
    expect(detail.approvals.find((approval) => approval.kind === "manager")).toMatchObject({
      status: "approved",
      decidedByName: "Boss Manager",
    });
    const times = detail.timeline.map((entry) => new Date(entry.at).getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // Deliveries (planned after the call was recorded) sit between its events, not after all of them.
    const kinds = detail.timeline.map((entry) => (entry.type === "event" ? entry.event.action : `delivery:${entry.delivery.channel}`));
    expect(kinds.indexOf("delivery:email")).toBeLessThan(kinds.lastIndexOf("approval.approved"));
  });
});
