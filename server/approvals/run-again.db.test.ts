import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, toolCalls } from "@/db/schema";
import { approvalWorld, type ApprovalWorld } from "@/test/approval-world";
import { setupTestDatabase } from "@/test/database";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { getCallDetail } from "../activity/list-calls";
import { closeMcpClients } from "../integrations/connectors/mcp";
import { decideApproval } from "./decide";
import { runCallAgain } from "./execute-approved";

const database = setupTestDatabase();
const TOOLS = [tool("get_user"), tool("reset_password"), tool("delete_user")];
let upstream: McpUpstream;

beforeAll(async () => {
  upstream = await startMcpUpstream({ tools: TOOLS });
});
afterAll(async () => {
  await closeMcpClients();
  await upstream.close();
});

/** A delete_user call approved by a technician and run while the upstream is down. */
async function failedWhileDown(world: ApprovalWorld) {
  const { body } = await world.call("delete_user");
  const [request] = await world.db.query.approvalRequests.findMany({ where: (r, { eq }) => eq(r.callId, body.callId) });
  await upstream.close();
  await closeMcpClients();
  await decideApproval(world.db, {
    workspaceId: world.workspace.id,
    approvalRequestId: request!.id,
    decision: "approve",
    actor: { kind: "user", userId: world.technician.id, via: "web" },
  });
  await world.drain();
  const [call] = await world.db.select().from(toolCalls).where(eq(toolCalls.id, body.callId));
  return call!;
}

async function upstreamBack() {
  upstream = await startMcpUpstream({ tools: TOOLS, port: upstream.port });
}

describe("Run again (an approved call that failed)", () => {
  it("when the upstream was never reached: an admin runs it again once, audited, and the agent sees it succeed", async () => {
    const world = await approvalWorld(database(), upstream);
    const failed = await failedWhileDown(world);
    expect(failed).toMatchObject({ status: "failed", errorCode: "upstream_unreachable" });
    expect(failed.errorMessage).toMatch(/never reached the upstream/);
    // The call page offers it to admins.
    expect((await getCallDetail(world.ctx, { callId: failed.id })).runAgain).toBe("unreached");
    await upstreamBack();

    await runCallAgain(world.ctx, { callId: failed.id });
    // A second click loses: the call is no longer failed.
    await expect(runCallAgain(world.ctx, { callId: failed.id })).rejects.toThrow(/Only a failed call/);
    await world.drain();
    const [after] = await world.db.select().from(toolCalls).where(eq(toolCalls.id, failed.id));
    expect(after).toMatchObject({ status: "succeeded", errorCode: null });
    expect((await getCallDetail(world.ctx, { callId: failed.id })).runAgain).toBeNull();
    expect(upstream.callCount("delete_user")).toBe(1);
    const events = await world.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.callId, failed.id), eq(auditEvents.action, "call.run_again")));
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ previousError: "upstream_unreachable" });
  });

  it("an unknown outcome needs the admin's confirmation; an upstream's own error, an expired approval or a changed policy refuse", async () => {
    const world = await approvalWorld(database(), upstream);
    const failed = await failedWhileDown(world);
    await upstreamBack();

    // Outcome unknown (as the sweep records a crash mid-request): only once confirmed.
    await world.db.update(toolCalls).set({ errorCode: "outcome_unknown" }).where(eq(toolCalls.id, failed.id));
    await expect(runCallAgain(world.ctx, { callId: failed.id })).rejects.toThrow(/confirm that you checked/);

    // The upstream answered with its error: the agent must ask again.
    await world.db.update(toolCalls).set({ errorCode: "upstream_failed" }).where(eq(toolCalls.id, failed.id));
    await expect(runCallAgain(world.ctx, { callId: failed.id, confirmUnknownOutcome: true })).rejects.toThrow(/agent must ask again/);

    // The approval's expiry has passed.
    await world.db
      .update(toolCalls)
      .set({ errorCode: "upstream_unreachable", expiresAt: new Date(Date.now() - 1_000) })
      .where(eq(toolCalls.id, failed.id));
    await expect(runCallAgain(world.ctx, { callId: failed.id })).rejects.toThrow(/approval has expired/);
    expect((await getCallDetail(world.ctx, { callId: failed.id })).runAgain).toBe("expired");

    // The one decision now refuses it (the tool was disabled meanwhile).
    await world.db
      .update(toolCalls)
      .set({ expiresAt: new Date(Date.now() + 3_600_000) })
      .where(eq(toolCalls.id, failed.id));
    await world.setPolicy("delete_user", "disabled");
    await expect(runCallAgain(world.ctx, { callId: failed.id })).rejects.toThrow(/may no longer run: the tool is disabled/);

    // Nothing ran.
    await world.setPolicy("delete_user", "approval_needed");
    const [row] = await world.db.select().from(toolCalls).where(eq(toolCalls.id, failed.id));
    expect(row!.status).toBe("failed");
    expect(upstream.callCount("delete_user")).toBe(0);
  });
});
