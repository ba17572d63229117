import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, tools, toolCalls, workspaces } from "@/db/schema";
import { getCall } from "@/test/gateway-routes";
import { appRouter } from "@/server/api/root";
import { approvalWorld, type ApprovalWorld } from "@/test/approval-world";
import { setupTestDatabase } from "@/test/database";
import { uniqueSuffix } from "@/test/fixtures";
import { agentGet } from "@/test/gateway";
import { tool } from "@/test/mcp-upstream";
import { setupMcpUpstream } from "@/test/world";
import { decideApproval } from "../approvals/decide";
import { loadRequestSummary } from "../approvals/summary";
import { argumentsDigest } from "../crypto/canonical-json";
import { REDACTED_ARGUMENT } from "./call-secrets";
import { purgeCallDataPastRetention } from "./retention";

const database = setupTestDatabase();
const TEMPORARY = "Tmp-Pa55-word!";

const upstream = setupMcpUpstream([
  tool("get_user"),
  tool("delete_user"),
  tool("reset_password", {
    description: "Resets a user's password and returns the temporary one.",
    inputSchema: {
      type: "object",
      properties: { email: { type: "string" }, new_password: { type: "string", format: "password" }, note: { type: "string" } },
    },
  }),
]);

const row = async (world: ApprovalWorld, callId: string) => (await world.db.select().from(toolCalls).where(eq(toolCalls.id, callId)))[0]!;
const readAsAgent = async (world: ApprovalWorld, callId: string) =>
  (await (await getCall(agentGet(`/api/gateway/calls/${callId}`, world.agent.key), { params: Promise.resolve({ callId }) })).json()) as {
    status: string;
    result: unknown;
  };

async function approveAll(world: ApprovalWorld, callId: string) {
  for (const request of await world.db.query.approvalRequests.findMany({ where: (r, { eq: equals }) => equals(r.callId, callId) })) {
    await decideApproval(world.db, {
      workspaceId: world.workspace.id,
      approvalRequestId: request.id,
      decision: "approve",
      actor:
        request.kind === "technician"
          ? { kind: "user", userId: world.technician.id, via: "web" }
          : { kind: "person", personId: world.boss.id, via: "deep_link" },
    });
  }
  await world.drain();
}

describe("results that are secrets stay secret", () => {
  it("seeds tools about passwords, secrets, tokens and keys as having a sensitive result", async () => {
    const world = await approvalWorld(database(), upstream);
    const seeded = await world.db
      .select({ name: tools.name, sensitive: tools.sensitiveResult })
      .from(tools)
      .where(eq(tools.integrationId, world.integrationId));
    expect(Object.fromEntries(seeded.map((entry) => [entry.name, entry.sensitive]))).toEqual({
      get_user: false,
      delete_user: false,
      reset_password: true,
    });
  });

  it("an auto call's sensitive result reaches the agent once, is stored redacted with its digest, and is never replayed", async () => {
    const world = await approvalWorld(database(), upstream);
    await world.setPolicy("reset_password", "auto");
    const key = `idem-${uniqueSuffix()}`;
    const first = await world.call(
      "reset_password",
      { arguments: { email: world.annEmail, new_password: TEMPORARY } },
      { "idempotency-key": key },
    );
    expect(first.status).toBe(200);
    expect(JSON.stringify(first.body)).toContain(TEMPORARY);
    const stored = await row(world, first.body.callId);
    expect(JSON.stringify(stored)).not.toContain(TEMPORARY);
    expect(stored.result).toMatchObject({ sha256: stored.resultDigest });
    expect(stored.arguments).toEqual({ email: world.annEmail, new_password: REDACTED_ARGUMENT });
    expect(stored.argumentsDigest).toBe(argumentsDigest({ email: world.annEmail, new_password: TEMPORARY }));
    // The upstream got the real value.
    expect(upstream.calls.at(-1)!.arguments).toEqual({ email: world.annEmail, new_password: TEMPORARY });

    const replay = await world.call(
      "reset_password",
      { arguments: { email: world.annEmail, new_password: TEMPORARY } },
      { "idempotency-key": key },
    );
    expect(replay.status).toBe(200);
    expect(JSON.stringify(replay.body)).not.toContain(TEMPORARY);
    const caller = appRouter.createCaller({ db: world.db, user: world.technician });
    expect(JSON.stringify(await caller.activity.detail({ callId: first.body.callId }))).not.toContain(TEMPORARY);
  });

  it("an approved call's sensitive result waits sealed for the agent's first read; a technician and a second read see it redacted", async () => {
    const world = await approvalWorld(database(), upstream);
    const { status, body } = await world.call("reset_password", { arguments: { email: world.annEmail, new_password: TEMPORARY } });
    expect(status).toBe(202);
    const pending = await row(world, body.callId);
    expect(JSON.stringify(pending.arguments)).not.toContain(TEMPORARY);
    expect(pending.secretCiphertext).not.toBeNull();
    const summary = await loadRequestSummary(
      world.db,
      (await world.db.query.approvalRequests.findFirst({ where: (r, { eq: equals }) => equals(r.callId, body.callId) }))!.id,
    );
    expect(JSON.stringify(summary)).not.toContain(TEMPORARY);

    await approveAll(world, body.callId);
    expect(upstream.calls.at(-1)!.arguments).toEqual({ email: world.annEmail, new_password: TEMPORARY });
    const done = await row(world, body.callId);
    expect(done.status).toBe("succeeded");
    expect(JSON.stringify(done.result)).not.toContain(TEMPORARY);

    const caller = appRouter.createCaller({ db: world.db, user: world.technician });
    expect(JSON.stringify(await caller.activity.detail({ callId: body.callId }))).not.toContain(TEMPORARY);
    expect(JSON.stringify(await readAsAgent(world, body.callId))).toContain(TEMPORARY);
    expect(JSON.stringify(await readAsAgent(world, body.callId))).not.toContain(TEMPORARY);
    expect((await row(world, body.callId)).secretCiphertext).toBeNull();
  });

  it("purges arguments and results of finished calls past the workspace's retention, keeping digests and audit events", async () => {
    const world = await approvalWorld(database(), upstream);
    await world.setPolicy("get_user", "auto");
    const old = await world.call("get_user", { arguments: { email: world.annEmail } });
    const recent = await world.call("get_user", { arguments: { email: world.annEmail } });
    await world.db
      .update(toolCalls)
      .set({ createdAt: sql`now() - interval '3 days'`, finishedAt: sql`now() - interval '3 days'` })
      .where(eq(toolCalls.id, old.body.callId));
    expect(await purgeCallDataPastRetention(world.db)).toBe(0);
    await world.db.update(workspaces).set({ callRetentionDays: 2 }).where(eq(workspaces.id, world.workspace.id));
    expect(await purgeCallDataPastRetention(world.db)).toBe(1);
    const purged = await row(world, old.body.callId);
    expect(purged).toMatchObject({ arguments: {}, result: null, status: "succeeded" });
    expect(purged.purgedAt).not.toBeNull();
    expect(purged.resultDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(purged.argumentsDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(
      await world.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.callId, old.body.callId))),
    ).toHaveLength(1);
    expect((await row(world, recent.body.callId)).arguments).toEqual({ email: world.annEmail });
    expect(await purgeCallDataPastRetention(world.db)).toBe(0);
  });
});
