import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalRequests, deliveries, jobs, users } from "@/db/schema";
import { approvalWorld } from "@/test/approval-world";
import { setupTestDatabase } from "@/test/database";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { serveFetch, type RunningServer } from "@/test/http-server";
import { startSlackStub, type SlackStub } from "@/test/slack-stub";
import { decodedBody, startSmtpCapture } from "@/test/smtp-capture";
import { forgetEnv } from "../env";
import { setAgentPaused } from "../agents/manage-agents";
import { connectIntegration } from "../integrations/connect";
import { closeMcpClients } from "../integrations/connectors/mcp";
import { updateWorkspaceSettings } from "../workspaces/settings";
import { decideByLink, viewApprovalLink } from "./deep-link";
import { approvalCsrfToken } from "./tokens";

const database = setupTestDatabase();
let upstream: McpUpstream;
let slack: SlackStub;
let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
let jira: RunningServer;
const jiraComments: Array<{ key: string; body: unknown; auth: string | null }> = [];

beforeAll(async () => {
  upstream = await startMcpUpstream({ tools: [tool("reset_password"), tool("delete_user")] });
  slack = await startSlackStub({ token: "xoxb-approvals" });
  smtp = await startSmtpCapture();
  jira = await serveFetch(async (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/rest/api/3/myself") return Response.json({ accountId: "me" });
    const issue = url.pathname.match(/^\/rest\/api\/3\/issue\/([^/]+)$/);
    if (issue)
      return issue[1] === "HELP-1"
        ? Response.json({ key: "HELP-1", fields: { reporter: { emailAddress: jiraReporter } } })
        : new Response(JSON.stringify({ errorMessages: ["Issue does not exist"] }), {
            status: 404,
            headers: { "content-type": "application/json" },
          });
    const comment = url.pathname.match(/^\/rest\/api\/3\/issue\/([^/]+)\/comment$/);
    if (comment && request.method === "POST") {
      jiraComments.push({ key: comment[1]!, body: await request.json(), auth: request.headers.get("authorization") });
      return Response.json({ id: "10001" }, { status: 201 });
    }
    return new Response("not found", { status: 404 });
  });
  process.env.SLACK_API_URL = slack.apiUrl;
  process.env.TOOLGATE_URL = "https://toolgate.example";
  forgetEnv();
});
afterAll(async () => {
  await closeMcpClients();
  await Promise.all([upstream.close(), slack.close(), smtp.close(), jira.close()]);
  delete process.env.TOOLGATE_URL;
  forgetEnv();
});
let jiraReporter = "";

async function worldWithChannels() {
  const world = await approvalWorld(database(), upstream);
  await connectIntegration(world.ctx, {
    clientId: null,
    name: "MSP Slack",
    slug: "slack",
    settings: { kind: "slack", botToken: "xoxb-approvals", signingSecret: "signing-secret" },
  });
  await updateWorkspaceSettings(world.ctx, {
    smtp: { host: "127.0.0.1", port: smtp.port, secure: false, username: null, from: "Toolgate <approvals@msp.test>" },
  });
  const [admin] = await world.db.select().from(users).where(eq(users.id, world.admin.id));
  const [tech] = await world.db.select().from(users).where(eq(users.id, world.technician.id));
  slack.setUsers([
    { id: "UADMIN", email: admin!.email },
    { id: "UTECH", email: tech!.email },
    {
      id: "UBOSS",
      email: (await world.db.query.directoryPeople.findFirst({ where: (p, { eq: equals }) => equals(p.id, world.boss.id) }))!.email,
    },
  ]);
  return world;
}

const linkIn = (text: string) => text.match(/https:\/\/toolgate\.example\/approve\/([A-Za-z0-9_-]{40,60})/)?.[1];

describe("approval deliveries", () => {
  it("DMs every technician on Slack and e-mails the manager a working deep link; Slack messages are updated after the decision", async () => {
    const world = await worldWithChannels();
    slack.calls.length = 0;
    const { body } = await world.call("reset_password");
    await world.drain();
    const posts = slack.callsTo("chat.postMessage");
    expect(posts.map((post) => post.params.channel).sort()).toEqual(["DUADMIN", "DUBOSS", "DUTECH"]);
    expect(posts.every((post) => post.token === "xoxb-approvals")).toBe(true);
    const blocks = JSON.parse(posts[0]!.params.blocks!) as Array<{ type: string; elements?: Array<{ action_id: string }> }>;
    expect(blocks.at(-1)!.elements!.map((element) => element.action_id)).toEqual(["toolgate_approve", "toolgate_deny", "toolgate_details"]);

    const mail = smtp.messages.find((message) => message.to.some((to) => to.startsWith("boss-")))!;
    expect(mail).toBeDefined();
    const token = linkIn(decodedBody(mail.raw))!;
    expect(token).toBeDefined();
    const view = await viewApprovalLink(world.db, token, "203.0.113.9");
    expect(view).toMatchObject({ state: "open", isManager: true, approverName: "Boss Manager" });

    const sent = await world.db.select().from(deliveries).where(eq(deliveries.callId, body.callId));
    expect(sent.map((delivery) => [delivery.channel, delivery.status]).sort()).toEqual([
      ["email", "sent"],
      ["slack", "sent"],
      ["slack", "sent"],
      ["slack", "sent"],
    ]);
    expect(
      await decideByLink(world.db, { token, csrf: approvalCsrfToken(token), decision: "deny", comment: "Not today", clientAddress: null }),
    ).toMatchObject({ status: 303 });
    await world.drain();
    const updates = slack.callsTo("chat.update");
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.some((update) => update.params.text?.includes("Denied by Boss Manager"))).toBe(true);
  });

  it("tells the approvers when the call they were asked about is cancelled: Slack DMs say why, the manager gets one e-mail", async () => {
    const world = await worldWithChannels();
    const { body } = await world.call("reset_password");
    await world.drain();
    const bossAddress = (await world.db.query.directoryPeople.findFirst({ where: (p, { eq: equals }) => equals(p.id, world.boss.id) }))!
      .email;
    const mailsBefore = smtp.messages.filter((message) => message.to.includes(bossAddress)).length;
    slack.calls.length = 0;
    await setAgentPaused(world.ctx, { agentId: world.agent.agentId, paused: true });
    await world.drain();
    await world.drain();
    const updates = slack.callsTo("chat.update");
    expect(updates.map((update) => update.params.channel).sort()).toEqual(["DUADMIN", "DUBOSS", "DUTECH"]);
    expect(updates.every((update) => update.params.text?.includes("Cancelled before it ran: the agent is paused."))).toBe(true);
    expect(updates.every((update) => !update.params.blocks?.includes("toolgate_approve"))).toBe(true);
    const closing = smtp.messages.filter((message) => message.to.includes(bossAddress)).slice(mailsBefore);
    expect(closing).toHaveLength(1);
    expect(decodedBody(closing[0]!.raw)).toContain("Cancelled before it ran: the agent is paused. Nothing will run");
    expect(decodedBody(closing[0]!.raw)).toContain(body.callId);
  });

  it("loses nothing in a Slack outage: deliveries are retried and sent once Slack recovers", async () => {
    const world = await worldWithChannels();
    let failures = 0;
    slack.respond((call) =>
      call.method === "chat.postMessage" && failures++ < 4 ? new Response("upstream down", { status: 500 }) : undefined,
    );
    try {
      const { body } = await world.call("delete_user");
      await world.drain();
      const afterOutage = await world.db.select().from(deliveries).where(eq(deliveries.callId, body.callId));
      expect(afterOutage.every((delivery) => delivery.status === "sent")).toBe(true);
      expect(failures).toBeGreaterThanOrEqual(4);
      const retried = await world.db
        .select()
        .from(jobs)
        .where(and(eq(jobs.workspaceId, world.workspace.id), eq(jobs.kind, "deliver_slack")));
      expect(retried.some((job) => job.attempts > 1)).toBe(true);
      const [request] = await world.db.select().from(approvalRequests).where(eq(approvalRequests.callId, body.callId));
      expect(request!.status).toBe("pending");
    } finally {
      slack.clearResponders();
    }
  });

  it("verifies the requester against the Jira ticket and comments on it with a sign-in link, never a token", async () => {
    const world = await worldWithChannels();
    await connectIntegration(world.ctx, {
      clientId: null,
      name: "Jira",
      slug: "jira",
      settings: { kind: "jira", siteUrl: jira.url, accountEmail: "bot@msp.test", apiToken: "jira-token" },
    });
    jiraReporter = world.annEmail;
    const verified = await world.call("delete_user", { ticket: { system: "jira", id: "HELP-1" } });
    expect(verified.status).toBe(202);
    await world.drain();
    const comment = jiraComments.at(-1)!;
    expect(comment.key).toBe("HELP-1");
    expect(comment.auth).toBe(`Basic ${Buffer.from("bot@msp.test:jira-token").toString("base64")}`);
    expect(JSON.stringify(comment.body)).toContain(`https://toolgate.example/approvals?call=${verified.body.callId}`);
    expect(JSON.stringify(comment.body)).not.toContain("/approve/");
    const call = await world.db.query.toolCalls.findFirst({ where: (t, { eq: equals }) => equals(t.id, verified.body.callId) });
    expect(call!.requesterSource).toBe("verified_by_ticket");

    jiraReporter = "someone.else@contoso.test";
    expect(await world.call("delete_user", { ticket: { system: "jira", id: "HELP-1" } })).toMatchObject({
      status: 422,
      body: { error: { code: "requester_mismatch" } },
    });
    expect(await world.call("delete_user", { ticket: { system: "jira", id: "NOPE-9" } })).toMatchObject({
      status: 422,
      body: { error: { code: "requester_mismatch" } },
    });
  });
});
