import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMcpUpstream, tool, type McpUpstream } from "../mcp-upstream";
import { startSlackStub, type SlackStub } from "../slack-stub";
import { adminCli, gateway, proofDatabase, signInClient, startApp, type App, type ProofDatabase } from "./harness";

// A kill between scheduling an escalation and its firing needs a database outside the process:
// vitest.config.ts runs this file only with TEST_DATABASE_URL. One escalation minute lasts one
// second here (TOOLGATE_ESCALATION_MINUTE_SECONDS, tests only), so nobody waits minutes.
let upstream: McpUpstream;
let slack: SlackStub;
let database: ProofDatabase;
const running: App[] = [];
const ADMIN = { email: "escalation-admin@msp.test", password: "escalation password 1" };
const CHANNEL = "#crash-escalations";
const ESCALATE_AFTER = 20;

beforeAll(async () => {
  upstream = await startMcpUpstream({ tools: [tool("grant_access", { inputSchema: { type: "object", properties: {} } })] });
  slack = await startSlackStub({ token: "xoxb-crash" });
  slack.setUsers([{ id: "UADMIN", email: ADMIN.email }]);
  database = await proofDatabase();
  adminCli(
    database,
    ["create-admin", "--email", ADMIN.email, "--name", "Esca Admin", "--workspace-name", "Escalation MSP"],
    ADMIN.password,
  );
}, 120_000);
afterAll(async () => {
  await Promise.all(running.map((app) => app.stop("SIGKILL")));
  await database?.drop();
  await Promise.all([upstream?.close(), slack?.close()]);
});

async function launch(): Promise<App> {
  const app = await startApp(database, { SLACK_API_URL: slack.apiUrl, TOOLGATE_ESCALATION_MINUTE_SECONDS: "1" });
  running.push(app);
  return app;
}

/** One query on the proof database (outside every app process). */
async function query<T extends Record<string, unknown>>(text: string, values: string[] = []): Promise<T[]> {
  const sql = postgres(database.url!, { max: 1, onnotice: () => {} });
  try {
    return (await sql.unsafe(text, values)) as unknown as T[];
  } finally {
    await sql.end();
  }
}

describe("escalation across a crash", () => {
  it("killed after the request (and its timer) committed, before the timer fired: after restart it escalates exactly once", async () => {
    const doomed = await launch();
    const { api } = await signInClient(doomed, ADMIN.email, ADMIN.password);
    const { integrationId } = await api.integrations.connect.mutate({
      clientId: null,
      name: "Dir",
      slug: "esc-dir",
      settings: { kind: "mcp", url: upstream.url },
    });
    const tools = await api.policies.tools.query({ integrationId });
    const { revision } = await api.integrations.get.query({ integrationId });
    await api.policies.save.mutate({
      integrationId,
      revision,
      changes: tools.map((row) => ({ toolId: row.id, policy: "approval_needed" as const, managerApproval: false })),
    });
    await api.integrations.connect.mutate({
      clientId: null,
      name: "Slack",
      slug: "slack",
      settings: { kind: "slack", botToken: "xoxb-crash", signingSecret: "crash-signing-secret" },
    });
    const { people } = await api.escalation.settings.query();
    await api.escalation.save.mutate({
      minutes: ESCALATE_AFTER,
      userIds: people.filter((person) => person.email === ADMIN.email).map((person) => person.id),
      slackChannel: CHANNEL,
      secondMinutes: null,
    });
    const { key } = await api.agents.create.mutate({
      name: "escalation-crash",
      scope: { allClients: true, clientIds: [], mspWide: true },
    });

    const { status, body } = await gateway(doomed, key, { integration: "esc-dir", tool: "grant_access", arguments: {} });
    expect(status).toBe(202);
    await doomed.stop("SIGKILL");
    const [timer] = await query<{ status: string; later: boolean }>(
      "select status, run_at > now() as later from jobs where kind = 'escalate_approval' and payload->>'approvalRequestId' in (select id from approval_requests where call_id = $1)",
      [body.callId!],
    );
    // The timer outlived the process that scheduled it, and had not fired.
    expect(timer).toEqual({ status: "pending", later: true });
    expect(slack.callsTo("chat.postMessage").filter((post) => post.params.channel === CHANNEL)).toHaveLength(0);

    const survivor = await launch();
    const deadline = Date.now() + 120_000;
    let escalated = false;
    while (!escalated && Date.now() < deadline) {
      const view = (await (
        await fetch(`${survivor.url}/api/gateway/calls/${body.callId}`, { headers: { authorization: `Bearer ${key}` } })
      ).json()) as { approvals: Array<{ escalated?: boolean }> };
      escalated = view.approvals.some((approval) => approval.escalated);
      if (!escalated) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(escalated).toBe(true);
    // Long enough for a second firing, a retry or the sweep to show up if there were one.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const events = await query<{ n: number }>(
      "select count(*)::int as n from audit_events where action = 'approval.escalated' and call_id = $1",
      [body.callId!],
    );
    expect(events[0]!.n).toBe(1);
    expect(slack.callsTo("chat.postMessage").filter((post) => post.params.channel === CHANNEL)).toHaveLength(1);
    const messages = await query<{ channel: string; recipient: string; status: string }>(
      "select channel, recipient, status from deliveries where call_id = $1 and escalation_level > 0 order by recipient",
      [body.callId!],
    );
    expect(messages).toEqual([
      { channel: "slack", recipient: CHANNEL, status: "sent" },
      { channel: "slack", recipient: ADMIN.email, status: "sent" },
    ]);
    await survivor.stop();
  }, 300_000);
});
