import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobs } from "@/db/schema";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace } from "@/test/fixtures";
import { serveFetch, type RunningServer } from "@/test/http-server";
import { createAgent, setAllAgentsPaused } from "../agents/manage-agents";
import { jobHandlers } from "../jobs/handlers";
import { createWorker } from "../jobs/worker";
import { SIGNATURE_HEADER, verifyWebhook } from "./sign";

const database = setupTestDatabase();
let receiver: RunningServer;
const received: Array<{ body: string; signature: string }> = [];
let failNext = 0;

beforeAll(async () => {
  receiver = await serveFetch(async (request) => {
    if (failNext > 0) {
      failNext--;
      return new Response("busy", { status: 503 });
    }
    received.push({ body: await request.text(), signature: request.headers.get(SIGNATURE_HEADER) ?? "" });
    return new Response("ok");
  });
});
afterAll(() => receiver.close());

describe("agent configuration webhooks", () => {
  it("deliver the new tool list when the toolset changes, signed with the agent's secret, retried after a failure", async () => {
    const { db } = database();
    const workspace = await createWorkspace(db);
    const ctx = { db, user: await createUser(db, workspace.id) };
    const agent = await createAgent(ctx, {
      name: "Hooked",
      scope: { allClients: true, clientIds: [], mspWide: true },
      webhookUrl: `${receiver.url}/hook`,
    });
    expect(agent.webhookSecret).toMatch(/^whsec_/);
    failNext = 1;
    await setAllAgentsPaused(ctx, { paused: true });
    const worker = createWorker(database(), { handlers: jobHandlers, backoffMs: () => 0 });
    await worker.runOnce();
    await worker.runOnce();
    const [job] = await db.select().from(jobs).where(eq(jobs.workspaceId, workspace.id));
    expect(job).toMatchObject({ kind: "agent_config_webhook", status: "done", attempts: 2 });
    const delivery = received.at(-1)!;
    expect(verifyWebhook(agent.webhookSecret!, delivery.body, delivery.signature)).toBe(true);
    expect(verifyWebhook("whsec_wrong", delivery.body, delivery.signature)).toBe(false);
    expect(verifyWebhook(agent.webhookSecret!, delivery.body.replace("true", "false"), delivery.signature)).toBe(false);
    expect(JSON.parse(delivery.body)).toMatchObject({
      type: "toolset.changed",
      agentId: agent.agentId,
      paused: true,
      tools: [],
      cause: "workspace.agents_paused",
    });
  });

  it("refuses a webhook URL on a private address unless private upstreams are allowed", async () => {
    const { db } = database();
    const workspace = await createWorkspace(db);
    const ctx = { db, user: await createUser(db, workspace.id) };
    process.env.TOOLGATE_UPSTREAM_ALLOWED_NETWORKS = "";
    const { forgetEnv } = await import("../env");
    forgetEnv();
    try {
      await expect(
        createAgent(ctx, {
          name: "Bad hook",
          scope: { allClients: true, clientIds: [], mspWide: true },
          webhookUrl: "http://10.0.0.5/hook",
        }),
      ).rejects.toThrow(/10\.0\.0\.0\/8 \(private network\)/);
    } finally {
      process.env.TOOLGATE_UPSTREAM_ALLOWED_NETWORKS = "127.0.0.0/8,::1/128";
      forgetEnv();
    }
  });
});
