import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as slackInteraction } from "@/app/api/slack/interactions/route";
import { approvalRequests, approvalVotes, toolCalls, users, workspaces } from "@/db/schema";
import { openPostgres } from "@/db/open-postgres";
import { appRouter } from "@/server/api/root";
import { approvalWorld } from "@/test/approval-world";
import { setupTestDatabase, testDriver, type TestDatabase } from "@/test/database";
import { createUser, uniqueSuffix } from "@/test/fixtures";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { startSlackStub, type SlackStub } from "@/test/slack-stub";
import { forgetEnv } from "../env";
import { connectIntegration } from "../integrations/connect";
import { closeMcpClients } from "../integrations/connectors/mcp";
import { jobHandlers } from "../jobs/handlers";
import { createWorker } from "../jobs/worker";
import { signSlackRequest } from "../slack/verify-signature";
import { decideApproval } from "./decide";

const database = setupTestDatabase();
let upstream: McpUpstream;
let slack: SlackStub;
beforeAll(async () => {
  upstream = await startMcpUpstream({ tools: [tool("reset_password"), tool("delete_user")] });
  slack = await startSlackStub({ token: "xoxb-batch" });
  process.env.SLACK_API_URL = slack.apiUrl;
  forgetEnv();
});
afterAll(async () => {
  await closeMcpClients();
  await Promise.all([upstream.close(), slack.close()]);
});

/** A second "instance": its own connection pool on PostgreSQL (and its own outbox worker below). */
function secondInstance(primary: TestDatabase) {
  return testDriver() === "postgres" ? Object.assign(openPostgres(primary.url!, { max: 10 }), { drop: async () => {} }) : primary;
}

describe("batch decisions and the two-person rule under concurrency", () => {
  it("20 concurrent batch approvals over overlapping sets of 50 requests, on two instances: every request is decided once and every call executes exactly once", async () => {
    const primary = database();
    const secondary = secondInstance(primary);
    try {
      const world = await approvalWorld(primary, upstream);
      await primary.db.update(workspaces).set({ maxPendingApprovalsPerAgent: 100 }).where(eq(workspaces.id, world.workspace.id));
      const technicians = [
        world.admin,
        world.technician,
        ...(await Promise.all(
          Array.from({ length: 8 }, (_, index) =>
            createUser(primary.db, world.workspace.id, { role: "technician", name: `Tech ${index}` }),
          ),
        )),
      ];
      const calls: string[] = [];
      for (let index = 0; index < 50; index++) {
        const { status, body } = await world.call("delete_user", { arguments: { email: world.annEmail, n: index } });
        expect(status).toBe(202);
        calls.push(body.callId);
      }
      const requests = await primary.db
        .select({ id: approvalRequests.id, callId: approvalRequests.callId })
        .from(approvalRequests)
        .where(inArray(approvalRequests.callId, calls));
      const ids = calls.map((callId) => requests.find((request) => request.callId === callId)!.id);
      const before = upstream.callCount("delete_user");

      // Batch b covers 25 requests starting at 5·b (wrapping): every request is in 10 batches.
      const batches = Array.from({ length: 20 }, (_, batch) => Array.from({ length: 25 }, (_, offset) => ids[(batch * 5 + offset) % 50]!));
      const results = await Promise.all(
        batches.map((approvalRequestIds, batch) => {
          const db = batch % 2 === 0 ? primary.db : secondary.db;
          const user = technicians[batch % technicians.length]!;
          return appRouter
            .createCaller({ db, user })
            .approvals.decideBatch({ approvalRequestIds, decision: "approve", comment: `batch ${batch}` });
        }),
      );
      const decidedIds = results.flatMap((result) =>
        result.items.filter((item) => item.outcome === "decided").map((item) => item.approvalRequestId),
      );
      expect(decidedIds.sort()).toEqual([...ids].sort());
      expect(results.reduce((sum, result) => sum + result.alreadyDecided, 0)).toBe(20 * 25 - 50);
      expect(results.every((result) => result.refused === 0)).toBe(true);

      const workers = [
        createWorker(primary, { handlers: jobHandlers, backoffMs: () => 0 }),
        createWorker(secondary, { handlers: jobHandlers, backoffMs: () => 0 }),
      ];
      for (let pass = 0; pass < 30; pass++) {
        const done = await Promise.all(workers.map((worker) => worker.runOnce()));
        if (done.every((count) => count === 0)) break;
      }
      expect(upstream.callCount("delete_user")).toBe(before + 50);
      const finished = await primary.db.select({ status: toolCalls.status }).from(toolCalls).where(inArray(toolCalls.id, calls));
      expect(finished.map((row) => row.status)).toEqual(Array(50).fill("succeeded"));
    } finally {
      if (secondary !== primary) await secondary.close();
    }
  });

  it("a two-person tool approved by the same technician many times at once (web and Slack, two instances) is still pending; two different technicians at once run it once", async () => {
    const primary = database();
    const secondary = secondInstance(primary);
    try {
      const world = await approvalWorld(primary, upstream);
      await connectIntegration(world.ctx, {
        clientId: null,
        name: "Slack",
        slug: `slack-${uniqueSuffix()}`,
        settings: { kind: "slack", botToken: "xoxb-batch", signingSecret: "batch-secret" },
      });
      await world.setTechnicianApprovals("delete_user", 2);
      const slackIds = { [world.technician.id]: `UT${uniqueSuffix()}`, [world.admin.id]: `UA${uniqueSuffix()}` };
      for (const [userId, slackUserId] of Object.entries(slackIds))
        await primary.db.update(users).set({ slackUserId }).where(eq(users.id, userId));
      const { body } = await world.call("delete_user");
      const [request] = await primary.db
        .select()
        .from(approvalRequests)
        .where(and(eq(approvalRequests.callId, body.callId), eq(approvalRequests.kind, "technician")));
      const before = upstream.callCount("delete_user");

      const approve = (userId: string, index: number): Promise<string> => {
        if (index % 2 === 0)
          return decideApproval(index % 4 === 0 ? primary.db : secondary.db, {
            workspaceId: world.workspace.id,
            approvalRequestId: request!.id,
            decision: "approve",
            actor: { kind: "user", userId, via: "web" },
          }).then(
            (outcome) => (outcome.outcome === "decided" ? `vote ${outcome.votes?.given}` : "already_decided"),
            (error: Error) => (/already approved/.test(error.message) ? "refused" : `error: ${error.message}`),
          );
        const payload = new URLSearchParams({
          payload: JSON.stringify({
            type: "block_actions",
            user: { id: slackIds[userId] },
            actions: [{ action_id: "toolgate_approve", value: request!.id }],
          }),
        }).toString();
        const signed = signSlackRequest("batch-secret", payload);
        return slackInteraction(
          new Request("http://localhost/api/slack/interactions", {
            method: "POST",
            headers: { "x-slack-request-timestamp": signed.timestamp, "x-slack-signature": signed.signature },
            body: payload,
          }),
        )
          .then((response) => response.json() as Promise<{ text: string }>)
          .then((reply) =>
            /already approved/.test(reply.text)
              ? "refused"
              : /recorded: 1 of 2/.test(reply.text)
                ? "vote 1"
                : /^Approved/.test(reply.text)
                  ? "vote 2"
                  : /^Already decided/.test(reply.text)
                    ? "already_decided"
                    : `other: ${reply.text}`,
          );
      };

      // The same technician, ten times at once.
      const same = await Promise.all(Array.from({ length: 10 }, (_, index) => approve(world.technician.id, index)));
      expect(same.filter((outcome) => outcome === "vote 1")).toHaveLength(1);
      expect(same.filter((outcome) => outcome === "refused")).toHaveLength(9);
      expect(await primary.db.select().from(approvalVotes).where(eq(approvalVotes.approvalRequestId, request!.id))).toHaveLength(1);
      const [waiting] = await primary.db.select().from(toolCalls).where(eq(toolCalls.id, body.callId));
      expect(waiting!.status).toBe("pending_approval");

      // The second technician (and the first again) at once, on both instances.
      const both = await Promise.all(
        Array.from({ length: 12 }, (_, index) => approve(Math.floor(index / 2) % 2 === 0 ? world.admin.id : world.technician.id, index)),
      );
      expect(both.filter((outcome) => outcome === "vote 2")).toHaveLength(1);
      expect(both.every((outcome) => ["vote 2", "refused", "already_decided"].includes(outcome))).toBe(true);

      const workers = [
        createWorker(primary, { handlers: jobHandlers, backoffMs: () => 0 }),
        createWorker(secondary, { handlers: jobHandlers, backoffMs: () => 0 }),
      ];
      for (let pass = 0; pass < 10; pass++) await Promise.all(workers.map((worker) => worker.runOnce()));
      expect(upstream.callCount("delete_user")).toBe(before + 1);
      const [call] = await primary.db.select().from(toolCalls).where(eq(toolCalls.id, body.callId));
      expect(call!.status).toBe("succeeded");
      expect(await primary.db.select().from(approvalVotes).where(eq(approvalVotes.approvalRequestId, request!.id))).toHaveLength(2);
    } finally {
      if (secondary !== primary) await secondary.close();
    }
  });
});
