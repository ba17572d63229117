import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalRequests, toolCalls, users } from "@/db/schema";
import { POST as slackInteraction } from "@/app/api/slack/interactions/route";
import { approvalWorld } from "@/test/approval-world";
import { setupTestDatabase, testDriver, type TestDatabase } from "@/test/database";
import { createUser } from "@/test/fixtures";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { startSlackStub, type SlackStub } from "@/test/slack-stub";
import { forgetEnv } from "../env";
import { connectIntegration } from "../integrations/connect";
import { closeMcpClients } from "../integrations/connectors/mcp";
import { jobHandlers } from "../jobs/handlers";
import { createWorker } from "../jobs/worker";
import { openPostgres } from "@/db/open-postgres";
import { signSlackRequest } from "../slack/verify-signature";
import { decideByLink } from "./deep-link";
import { decideApproval } from "./decide";
import { approvalCsrfToken, mintApprovalToken } from "./tokens";

const database = setupTestDatabase();
let upstream: McpUpstream;
let slack: SlackStub;

beforeAll(async () => {
  upstream = await startMcpUpstream({ tools: [tool("reset_password"), tool("delete_user")] });
  slack = await startSlackStub({ token: "xoxb-race" });
  process.env.SLACK_API_URL = slack.apiUrl;
  forgetEnv();
});
afterAll(async () => {
  await closeMcpClients();
  await Promise.all([upstream.close(), slack.close()]);
});

describe("concurrent decisions", () => {
  it("50 approvals at once from the inbox, deep links and Slack, over two instances' connection pools, execute the call exactly once", async () => {
    const primary = database();
    // A second "instance": its own connection pool (on PostgreSQL) and its own outbox worker.
    const secondary: TestDatabase | typeof primary =
      testDriver() === "postgres"
        ? Object.assign(openPostgres((primary as TestDatabase).url!, { max: 10 }), { drop: async () => {} })
        : primary;
    try {
      const world = await approvalWorld(primary, upstream);
      await connectIntegration(world.ctx, {
        clientId: null,
        name: "Slack",
        slug: "slack",
        settings: { kind: "slack", botToken: "xoxb-race", signingSecret: "race-secret" },
      });
      const technicians = [
        world.admin,
        world.technician,
        ...(await Promise.all(
          Array.from({ length: 8 }, (_, index) =>
            createUser(primary.db, world.workspace.id, { role: "technician", name: `Tech ${index}` }),
          ),
        )),
      ];
      await Promise.all(
        technicians.map((technician, index) =>
          primary.db
            .update(users)
            .set({ slackUserId: `UT${index}` })
            .where(eq(users.id, technician.id)),
        ),
      );
      const { body } = await world.call("delete_user");
      const [request] = await primary.db.select().from(approvalRequests).where(eq(approvalRequests.callId, body.callId));
      const tokens = await Promise.all(
        technicians.map((technician) =>
          mintApprovalToken(primary.db, {
            workspaceId: world.workspace.id,
            approvalRequestId: request!.id,
            expiresAt: request!.expiresAt,
            approver: { userId: technician.id },
          }),
        ),
      );
      const before = upstream.callCount("delete_user");

      const attempts = Array.from({ length: 50 }, (_, index) => {
        const db = index % 2 === 0 ? primary.db : secondary.db;
        const who = index % technicians.length;
        switch (index % 3) {
          case 0:
            return decideApproval(db, {
              workspaceId: world.workspace.id,
              approvalRequestId: request!.id,
              decision: "approve",
              actor: { kind: "user", userId: technicians[who]!.id, via: "web" },
            }).then((outcome) => outcome.outcome);
          case 1:
            return decideByLink(db, {
              token: tokens[who]!,
              csrf: approvalCsrfToken(tokens[who]!),
              decision: "approve",
              comment: null,
              clientAddress: `10.0.0.${index}`,
            }).then((result) => (result.status === 303 ? "decided" : "already_decided"));
          default: {
            const payload = new URLSearchParams({
              payload: JSON.stringify({
                type: "block_actions",
                user: { id: `UT${who}` },
                actions: [{ action_id: "toolgate_approve", value: request!.id }],
              }),
            }).toString();
            const signed = signSlackRequest("race-secret", payload);
            return slackInteraction(
              new Request("http://localhost/api/slack/interactions", {
                method: "POST",
                headers: { "x-slack-request-timestamp": signed.timestamp, "x-slack-signature": signed.signature },
                body: payload,
              }),
            )
              .then((response) => response.json() as Promise<{ text: string }>)
              .then((reply) => (reply.text.startsWith("Approved") ? "decided" : "already_decided"));
          }
        }
      });
      const outcomes = await Promise.all(attempts);
      expect(outcomes.filter((outcome) => outcome === "decided")).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome === "already_decided")).toHaveLength(49);

      // Both instances' workers race for the execution job and the sweep.
      const workers = [
        createWorker(primary, { handlers: jobHandlers, backoffMs: () => 0 }),
        createWorker(secondary, { handlers: jobHandlers, backoffMs: () => 0 }),
      ];
      for (let pass = 0; pass < 10; pass++) await Promise.all(workers.map((worker) => worker.runOnce()));
      expect(upstream.callCount("delete_user")).toBe(before + 1);
      const [call] = await primary.db.select().from(toolCalls).where(eq(toolCalls.id, body.callId));
      expect(call!.status).toBe("succeeded");
    } finally {
      if (secondary !== primary) await secondary.close();
    }
  });
});
