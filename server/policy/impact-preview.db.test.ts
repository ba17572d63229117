import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolCalls, tools, type CallStatus } from "@/db/schema";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace } from "@/test/fixtures";
import { createTestAgent } from "@/test/gateway";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { createCaller } from "../api/root";
import { connectIntegration } from "../integrations/connect";
import { closeMcpClients } from "../integrations/connectors/mcp";
import { saveToolPolicies } from "./save";
import { previewPolicyImpact, type PolicyDraft } from "./impact-preview";

const database = setupTestDatabase();
let upstream: McpUpstream;

beforeAll(async () => {
  upstream = await startMcpUpstream({ tools: [tool("get_user"), tool("reset_password"), tool("delete_user")] });
});
afterAll(async () => {
  await closeMcpClients();
  await upstream.close();
});

const NOW = new Date();
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000);

/**
 * A directory with get_user (auto), reset_password (approval) and delete_user (saved disabled),
 * and a week of calls: three get_user that ran, one refused by a rate limit, two reset_password
 * that went to approval, one delete_user refused as disabled — plus one too old and one of
 * another integration, which the preview must not count.
 */
async function world() {
  const { db } = database();
  const workspace = await createWorkspace(db);
  const admin = await createUser(db, workspace.id, { role: "admin" });
  const technician = await createUser(db, workspace.id, { role: "technician" });
  const ctx = { db, user: admin };
  const { integrationId } = await connectIntegration(ctx, {
    clientId: null,
    name: "Dir",
    slug: "dir",
    settings: { kind: "mcp", url: upstream.url },
  });
  const other = await connectIntegration(ctx, {
    clientId: null,
    name: "Other",
    slug: "other",
    settings: { kind: "mcp", url: upstream.url },
  });
  const rows = await db.select().from(tools).where(eq(tools.integrationId, integrationId));
  const id = (name: string) => rows.find((row) => row.name === name)!.id;
  await saveToolPolicies(ctx, {
    integrationId,
    revision: 1,
    changes: [
      { toolId: id("get_user"), policy: "auto", managerApproval: false },
      { toolId: id("reset_password"), policy: "approval_needed", managerApproval: false },
      { toolId: id("delete_user"), policy: "disabled", managerApproval: false },
    ],
  });
  const agent = await createTestAgent(db, admin);
  const call = (
    name: string,
    status: CallStatus,
    createdAt: Date,
    extra: { errorCode?: string; expiresAt?: Date; integrationId?: string; toolId?: string } = {},
  ) => ({
    workspaceId: workspace.id,
    agentId: agent.agentId,
    agentKeyPrefix: "tg_test",
    integrationId: extra.integrationId ?? integrationId,
    toolId: extra.toolId ?? id(name),
    integrationSlug: "dir",
    toolName: name,
    arguments: { email: "ada@example.test" },
    argumentsDigest: "digest",
    status,
    decisionReason: "seeded",
    errorCode: extra.errorCode ?? null,
    expiresAt: extra.expiresAt ?? null,
    createdAt,
  });
  const expires = hoursAgo(-24);
  await db.insert(toolCalls).values([
    // Two pairs share a timestamp: the keyset cursor must neither skip nor repeat either.
    call("get_user", "succeeded", hoursAgo(1)),
    call("get_user", "succeeded", hoursAgo(2)),
    call("get_user", "failed", hoursAgo(2)),
    call("get_user", "rejected", hoursAgo(3), { errorCode: "rate_limited" }),
    call("reset_password", "succeeded", hoursAgo(4), { expiresAt: expires }),
    call("reset_password", "pending_approval", hoursAgo(4), { expiresAt: expires }),
    call("delete_user", "rejected", hoursAgo(5), { errorCode: "tool_disabled" }),
    call("get_user", "succeeded", hoursAgo(24 * 8)),
    call("get_user", "succeeded", hoursAgo(6), { integrationId: other.integrationId }),
  ]);
  return { db, workspace, admin, technician, integrationId, id };
}

describe("the impact preview of a policy draft", () => {
  it("re-decides the week's calls with the draft and compares with what happened", async () => {
    const { db, workspace, integrationId, id } = await world();
    const draft: PolicyDraft = new Map([
      [id("get_user"), { policy: "approval_needed", managerApproval: false }],
      [id("delete_user"), { policy: "auto", managerApproval: false }],
    ]);
    const preview = await previewPolicyImpact(db, workspace.id, integrationId, draft, { days: 7, now: NOW });
    expect(preview).toMatchObject({
      days: 7,
      evaluated: 7,
      sampled: false,
      // get_user's three runs would have waited; the rate-limited one stays refused; delete_user would have run.
      draft: { auto: 1, approval: 5, refused: 1 },
      actual: { auto: 3, approval: 2, refused: 2 },
      refusedOtherwise: 1,
      changed: 4,
      changedByTool: [
        { toolName: "get_user", calls: 3 },
        { toolName: "delete_user", calls: 1 },
      ],
    });
  });

  it("with no change, the saved policies account for every call: nothing would have gone differently", async () => {
    const { db, workspace, integrationId } = await world();
    const preview = await previewPolicyImpact(db, workspace.id, integrationId, new Map(), { days: 7, now: NOW });
    expect(preview).toMatchObject({ evaluated: 7, changed: 0, changedByTool: [], draft: preview.actual });
  });

  it("reads in batches without losing or repeating a call, and says when the window held more than the limit", async () => {
    const { db, workspace, integrationId, id } = await world();
    const draft: PolicyDraft = new Map([[id("get_user"), { policy: "disabled", managerApproval: false }]]);
    const whole = await previewPolicyImpact(db, workspace.id, integrationId, draft, { days: 7, now: NOW });
    const batched = await previewPolicyImpact(db, workspace.id, integrationId, draft, { days: 7, now: NOW, batch: 2 });
    expect(batched).toEqual(whole);
    expect(whole).toMatchObject({ evaluated: 7, sampled: false, draft: { refused: 5 } });

    const exact = await previewPolicyImpact(db, workspace.id, integrationId, draft, { days: 7, now: NOW, batch: 2, limit: 7 });
    expect(exact).toMatchObject({ evaluated: 7, sampled: false });
    const sampled = await previewPolicyImpact(db, workspace.id, integrationId, draft, { days: 7, now: NOW, batch: 2, limit: 4 });
    // The four most recent: get_user's three runs and its rate-limited call.
    expect(sampled).toMatchObject({ evaluated: 4, sampled: true, limit: 4, actual: { auto: 3, approval: 0, refused: 1 } });

    const wider = await previewPolicyImpact(db, workspace.id, integrationId, draft, { days: 9, now: NOW });
    expect(wider.evaluated).toBe(8);
  });

  it("is served to any member of the workspace, and a draft's foreign tool ids change nothing", async () => {
    const { db, technician, integrationId, id } = await world();
    const caller = createCaller({ db, user: technician });
    const preview = await caller.policies.previewImpact({
      integrationId,
      changes: [
        { toolId: id("reset_password"), policy: "auto", managerApproval: false },
        { toolId: "tool_not_here", policy: "disabled", managerApproval: false },
      ],
      days: 7,
    });
    expect(preview).toMatchObject({ evaluated: 7, changed: 2, changedByTool: [{ toolName: "reset_password", calls: 2 }] });
    await expect(caller.policies.previewImpact({ integrationId, changes: [], days: 0 })).rejects.toThrow(/At least 1 day/);
  });
});
