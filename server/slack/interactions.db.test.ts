import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalRequests, toolGrants, users } from "@/db/schema";
import { POST } from "@/app/api/slack/interactions/route";
import { approvalWorld } from "@/test/approval-world";
import { setupTestDatabase } from "@/test/database";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { startSlackStub, type SlackStub } from "@/test/slack-stub";
import { forgetEnv } from "../env";
import { connectIntegration } from "../integrations/connect";
import { closeMcpClients } from "../integrations/connectors/mcp";
import { signSlackRequest, verifySlackSignature } from "./verify-signature";

const database = setupTestDatabase();
let upstream: McpUpstream;
let slack: SlackStub;
const SECRET = "slack-signing-secret";

beforeAll(async () => {
  upstream = await startMcpUpstream({ tools: [tool("reset_password"), tool("delete_user")] });
  slack = await startSlackStub({ token: "xoxb-interact" });
  process.env.SLACK_API_URL = slack.apiUrl;
  forgetEnv();
});
afterAll(async () => {
  await closeMcpClients();
  await Promise.all([upstream.close(), slack.close()]);
});

function interaction(
  approvalRequestId: string,
  slackUserId: string,
  action = "toolgate_approve",
  options: { secret?: string; timestamp?: number; tamper?: boolean } = {},
) {
  const body = new URLSearchParams({
    payload: JSON.stringify({
      type: "block_actions",
      user: { id: slackUserId },
      actions: [{ action_id: action, value: approvalRequestId }],
    }),
  }).toString();
  const signed = signSlackRequest(options.secret ?? SECRET, body, options.timestamp);
  return new Request("http://localhost/api/slack/interactions", {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": signed.timestamp,
      "x-slack-signature": signed.signature,
    },
    body: options.tamper ? body.replace("toolgate_approve", "toolgate_deny") : body,
  });
}

async function world() {
  const w = await approvalWorld(database(), upstream);
  await connectIntegration(w.ctx, {
    clientId: null,
    name: "Slack",
    slug: "slack",
    settings: { kind: "slack", botToken: "xoxb-interact", signingSecret: SECRET },
  });
  await w.db.update(users).set({ slackUserId: "UTECH" }).where(eq(users.id, w.technician.id));
  const { body } = await w.call("delete_user");
  const [request] = await w.db.select().from(approvalRequests).where(eq(approvalRequests.callId, body.callId));
  return { ...w, callId: body.callId, request: request! };
}

describe("Slack request signatures", () => {
  it("accept only the right secret, an unchanged body and a fresh timestamp", () => {
    const now = 1_800_000_000;
    const signed = signSlackRequest(SECRET, "payload=x", now);
    expect(verifySlackSignature({ signingSecret: SECRET, rawBody: "payload=x", ...signed, now })).toBe(true);
    expect(verifySlackSignature({ signingSecret: "other", rawBody: "payload=x", ...signed, now })).toBe(false);
    expect(verifySlackSignature({ signingSecret: SECRET, rawBody: "payload=y", ...signed, now })).toBe(false);
    expect(verifySlackSignature({ signingSecret: SECRET, rawBody: "payload=x", ...signed, now: now + 301 })).toBe(false);
    expect(verifySlackSignature({ signingSecret: SECRET, rawBody: "payload=x", ...signed, now: now - 301 })).toBe(false);
    expect(verifySlackSignature({ signingSecret: SECRET, rawBody: "payload=x", timestamp: null, signature: signed.signature, now })).toBe(
      false,
    );
  });
});

describe("POST /api/slack/interactions", () => {
  it("refuses a bad signature, a stale or future timestamp, and a body changed after signing, deciding nothing", async () => {
    const w = await world();
    const now = Math.floor(Date.now() / 1000);
    expect((await POST(interaction(w.request.id, "UTECH", "toolgate_approve", { secret: "wrong" }))).status).toBe(401);
    expect((await POST(interaction(w.request.id, "UTECH", "toolgate_approve", { timestamp: now - 400 }))).status).toBe(401);
    expect((await POST(interaction(w.request.id, "UTECH", "toolgate_approve", { timestamp: now + 400 }))).status).toBe(401);
    expect((await POST(interaction(w.request.id, "UTECH", "toolgate_approve", { tamper: true }))).status).toBe(401);
    const [request] = await w.db.select().from(approvalRequests).where(eq(approvalRequests.id, w.request.id));
    expect(request!.status).toBe("pending");
  });

  it("applies a valid interaction once (a replay is told it is already decided) and refuses an unmapped Slack user ephemerally", async () => {
    const w = await world();
    const stranger = await POST(interaction(w.request.id, "UNOBODY"));
    expect(stranger.status).toBe(200);
    expect(await stranger.json()).toMatchObject({
      response_type: "ephemeral",
      text: expect.stringMatching(/does not know you as an approver/),
    });
    const request = interaction(w.request.id, "UTECH");
    const replay = request.clone();
    const first = await POST(request);
    expect(await first.json()).toMatchObject({ response_type: "ephemeral", text: expect.stringMatching(/^Approved/) });
    const second = await POST(replay);
    expect(await second.json()).toMatchObject({ text: expect.stringMatching(/Already decided: approved by Terry Tech/) });
    const [decided] = await w.db
      .select()
      .from(approvalRequests)
      .where(and(eq(approvalRequests.id, w.request.id)));
    expect(decided).toMatchObject({ status: "approved", decidedVia: "slack", decidedByUserId: w.technician.id });
  });

  it("“Approve for 1 h” approves and gives a one-hour standing grant: the identical next call runs at once", async () => {
    const w = await world();
    const response = await POST(interaction(w.request.id, "UTECH", "toolgate_approve_1h"));
    expect(await response.json()).toMatchObject({
      response_type: "ephemeral",
      text: expect.stringMatching(/^Approved\. The same call may now run again/),
    });
    const [grant] = await w.db.select().from(toolGrants).where(eq(toolGrants.callId, w.callId));
    expect(grant).toMatchObject({ approvedBy: "Terry Tech", approvals: ["technician"] });
    expect(grant!.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(3600_000 + 5_000);
    expect((await w.call("delete_user")).status).toBe(200);
  });
});
