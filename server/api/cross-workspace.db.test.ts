import { TRPCError } from "@trpc/server";
import { and, count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { approvalRequests, baselines, integrations, toolCalls, toolGrants, toolPolicyChanges, tools } from "@/db/schema";
import { POST } from "@/app/api/gateway/route";
import { GET as getCall } from "@/app/api/gateway/calls/[callId]/route";
import { POST as cancelCall } from "@/app/api/gateway/calls/[callId]/cancel/route";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace } from "@/test/fixtures";
import { agentGet, createTestAgent, gatewayRequest } from "@/test/gateway";
import { seedWorld } from "@/test/world";
import { tool } from "@/test/mcp-upstream";
import { setupMcpUpstream } from "@/test/world";
import { createBaselineFromIntegration } from "../baselines/create";
import { addPerson } from "../directory/people";
import { appRouter, createCaller } from "./root";

const database = setupTestDatabase();
const upstream = setupMcpUpstream([tool("get_user"), tool("reset_password")]);

/** Workspace B with one of everything; workspace A's admin probes it. */
async function twoWorkspaces() {
  const { db } = database();
  const a = await createWorkspace(db);
  const adminA = await createUser(db, a.id, { role: "admin" });
  const agentA = await createTestAgent(db, adminA);
  const worldB = await seedWorld(db, {
    upstream,
    client: { name: "B client" },
    slug: "b-dir",
    name: "B dir",
    policies: { reset_password: "approval_needed" },
  });
  const { workspace: b, admin: adminB, client: clientB, integrationId, agent: agentB } = worldB;
  const ctxB = worldB.ctx;
  const techB = await createUser(db, b.id, { role: "technician" });
  const personB = await addPerson(ctxB, { clientId: clientB.id, email: "p@b.test", name: "P" });
  const toolB = worldB.tools.find((row) => row.name === "reset_password")!;
  const revision = await worldB.revision();
  const { baselineId: baselineB } = await createBaselineFromIntegration(ctxB, { integrationId, revision, name: "B baseline" });
  const pending = (await (
    await POST(gatewayRequest(agentB.key, { integration: "b-dir", tool: "reset_password", arguments: {} }))
  ).json()) as { callId: string };
  const [approvalB] = await db.select().from(approvalRequests).where(eq(approvalRequests.callId, pending.callId));
  const keyB = (await db.query.agentKeys.findFirst({ where: (k, { eq: equals }) => equals(k.agentId, agentB.agentId) }))!;
  const [grantB] = await db
    .insert(toolGrants)
    .values({
      workspaceId: b.id,
      agentId: agentB.agentId,
      integrationId,
      toolId: toolB.id,
      clientId: clientB.id,
      callId: pending.callId,
      approvals: ["technician"],
      approvedBy: "Tech B",
      policyFingerprint: "fp",
      expiresAt: new Date(Date.now() + 3_600_000),
    })
    .returning();
  return {
    grantB: grantB!,
    db,
    a,
    b,
    adminA,
    adminB,
    techB,
    clientB,
    personB,
    integrationId,
    toolB,
    revision,
    baselineB,
    agentA,
    agentB,
    keyB,
    callB: pending.callId,
    approvalB: approvalB!,
  };
}

describe("cross-workspace isolation", () => {
  it("every tRPC procedure, given workspace B's ids by a user of workspace A, answers 404/403 (or validation) and never B's data", async () => {
    const w = await twoWorkspaces();
    const caller = createCaller({ db: w.db, user: w.adminA });
    const bIds = [
      w.b.id,
      w.adminB.id,
      w.techB.id,
      w.clientB.id,
      w.personB.id,
      w.integrationId,
      w.toolB.id,
      w.agentB.agentId,
      w.keyB.id,
      w.callB,
      w.approvalB.id,
      w.baselineB,
      w.grantB.id,
    ];
    const probes: Record<string, () => Promise<unknown>> = {
      "users.list": () => caller.users.list(),
      "users.invite": () => caller.users.invite({ email: w.adminB.email, name: "Taken", role: "admin" }),
      "users.issuePasswordLink": () => caller.users.issuePasswordLink({ userId: w.techB.id }),
      "users.changeRole": () => caller.users.changeRole({ userId: w.techB.id, role: "admin" }),
      "users.setActive": () => caller.users.setActive({ userId: w.adminB.id, active: false }),
      "clients.list": () => caller.clients.list({ includeArchived: true }),
      "clients.create": () => caller.clients.create({ name: "A's own client" }),
      "clients.rename": () => caller.clients.rename({ clientId: w.clientB.id, name: "Hijacked" }),
      "clients.setArchived": () => caller.clients.setArchived({ clientId: w.clientB.id, archived: true }),
      "directory.list": () => caller.directory.list({ clientId: w.clientB.id }),
      "directory.add": () => caller.directory.add({ clientId: w.clientB.id, email: "x@b.test", name: "X" }),
      "directory.update": () => caller.directory.update({ personId: w.personB.id, name: "Hijacked" }),
      "directory.remove": () => caller.directory.remove({ personId: w.personB.id }),
      "directory.importCsv": () => caller.directory.importCsv({ clientId: w.clientB.id, csv: "a@b.test,A,", importValidRows: true }),
      "integrations.list": () => caller.integrations.list(),
      "integrations.get": () => caller.integrations.get({ integrationId: w.integrationId }),
      "integrations.testConnection": () => caller.integrations.testConnection({ kind: "mcp", url: upstream.url }),
      "integrations.connect": () =>
        caller.integrations.connect({ clientId: w.clientB.id, name: "X", slug: "x-dir", settings: { kind: "mcp", url: upstream.url } }),
      "integrations.resync": () => caller.integrations.resync({ integrationId: w.integrationId }),
      "integrations.setStatus": () => caller.integrations.setStatus({ integrationId: w.integrationId, status: "paused" }),
      "integrations.update": () => caller.integrations.update({ integrationId: w.integrationId, name: "Hijacked" }),
      "policies.tools": () => caller.policies.tools({ integrationId: w.integrationId }),
      "policies.toolDefinition": () => caller.policies.toolDefinition({ toolId: w.toolB.id }),
      "policies.history": () => caller.policies.history({ integrationId: w.integrationId }),
      "policies.copySource": () => caller.policies.copySource({ integrationId: w.integrationId, fromIntegrationId: w.integrationId }),
      "policies.save": () =>
        caller.policies.save({
          integrationId: w.integrationId,
          revision: w.revision,
          changes: [{ toolId: w.toolB.id, policy: "auto", managerApproval: false }],
        }),
      "policies.previewImpact": () =>
        caller.policies.previewImpact({
          integrationId: w.integrationId,
          changes: [{ toolId: w.toolB.id, policy: "auto", managerApproval: false }],
          days: 7,
        }),
      "policies.restoreDefault": () =>
        caller.policies.restoreDefault({ integrationId: w.integrationId, toolId: w.toolB.id, revision: w.revision }),
      "policies.confirmDefinitions": () =>
        caller.policies.confirmDefinitions({ integrationId: w.integrationId, toolIds: [w.toolB.id], revision: w.revision }),
      "baselines.list": () => caller.baselines.list(),
      "baselines.get": () => caller.baselines.get({ baselineId: w.baselineB }),
      "baselines.forIntegration": () => caller.baselines.forIntegration({ integrationId: w.integrationId }),
      "baselines.createFromIntegration": () =>
        caller.baselines.createFromIntegration({ integrationId: w.integrationId, revision: w.revision + 1, name: "Stolen" }),
      "baselines.save": () =>
        caller.baselines.save({
          baselineId: w.baselineB,
          revision: 1,
          entries: [{ toolName: "reset_password", policy: "auto", managerApproval: false }],
        }),
      "baselines.follow": () =>
        caller.baselines.follow({ integrationId: w.integrationId, baselineId: w.baselineB, revision: w.revision + 1 }),
      "baselines.unfollow": () => caller.baselines.unfollow({ integrationId: w.integrationId, revision: w.revision + 1 }),
      "baselines.resetTool": () =>
        caller.baselines.resetTool({ integrationId: w.integrationId, toolId: w.toolB.id, revision: w.revision + 1 }),
      "agents.list": () => caller.agents.list(),
      "agents.create": () =>
        caller.agents.create({ name: "Scoped to B", scope: { allClients: false, clientIds: [w.clientB.id], mspWide: false } }),
      "agents.issueKey": () => caller.agents.issueKey({ agentId: w.agentB.agentId }),
      "agents.revokeKey": () => caller.agents.revokeKey({ keyId: w.keyB.id }),
      "agents.setPaused": () => caller.agents.setPaused({ agentId: w.agentB.agentId, paused: true }),
      "agents.setScope": () =>
        caller.agents.setScope({ agentId: w.agentB.agentId, scope: { allClients: true, clientIds: [], mspWide: true } }),
      "agents.setWebhook": () => caller.agents.setWebhook({ agentId: w.agentB.agentId, webhookUrl: null }),
      "agents.setAllPaused": () => caller.agents.setAllPaused({ paused: false }),
      "agents.limitableTools": () => caller.agents.limitableTools(),
      "agents.setPlanMode": () => caller.agents.setPlanMode({ agentId: w.agentB.agentId, planMode: true }),
      "agents.setCallsPerMinute": () => caller.agents.setCallsPerMinute({ agentId: w.agentB.agentId, callsPerMinute: 1 }),
      // A's own agent, B's tool: the tool is looked up in A's workspace only.
      "agents.setToolLimit": () => caller.agents.setToolLimit({ agentId: w.agentA.agentId, toolId: w.toolB.id, callsPerHour: 1 }),
      "settings.get": () => caller.settings.get(),
      "settings.update": () => caller.settings.update({ approvalExpiryHours: 2 }),
      "sso.get": () => caller.sso.get(),
      "sso.save": () =>
        caller.sso.save({ kind: "oidc", issuer: "http://127.0.0.1:9/none", clientId: "x", allowedDomains: ["a.test"], enabled: false }),
      "sso.setPasswordSignIn": () => caller.sso.setPasswordSignIn({ enabled: false, breakGlassUserId: w.adminB.id }),
      "overview.get": () => caller.overview.get({ days: 90, client: w.clientB.id }),
      "activity.list": () => caller.activity.list({ clientId: w.clientB.id }),
      "activity.detail": () => caller.activity.detail({ callId: w.callB }),
      "approvals.inbox": () => caller.approvals.inbox({ callId: w.callB }),
      "approvals.decide": () => caller.approvals.decide({ approvalRequestId: w.approvalB.id, decision: "approve" }),
      "approvals.decideBatch": () => caller.approvals.decideBatch({ approvalRequestIds: [w.approvalB.id], decision: "approve" }),
      "approvals.resendManagerRequest": () => caller.approvals.resendManagerRequest({ approvalRequestId: w.approvalB.id }),
      "integrations.setMcpPrefix": () => caller.integrations.setMcpPrefix({ integrationId: w.integrationId, prefix: "stolen" }),
      "agents.retireKey": () => caller.agents.retireKey({ keyId: w.keyB.id }),
      "agents.rename": () => caller.agents.rename({ agentId: w.agentB.agentId, name: "Renamed by A" }),
      "agents.delete": () => caller.agents.delete({ agentId: w.agentB.agentId }),
      "settings.channels": () => caller.settings.channels(),
      "settings.sendTestEmail": () => caller.settings.sendTestEmail(),
      "approvals.runAgain": () => caller.approvals.runAgain({ callId: w.callB }),
      "approvals.pendingCount": async () => {
        // B's waiting request is not A's to count.
        const [own] = await w.db
          .select({ n: count() })
          .from(approvalRequests)
          .where(and(eq(approvalRequests.workspaceId, w.adminA.workspaceId), eq(approvalRequests.status, "pending")));
        expect(await caller.approvals.pendingCount()).toBe(Number(own!.n));
        expect(await createCaller({ db: w.db, user: w.adminB }).approvals.pendingCount()).toBeGreaterThan(0);
        return caller.approvals.pendingCount();
      },
      "approvals.reach": () => caller.approvals.reach({ clientId: w.clientB.id }),
      "approvals.unreached": () => caller.approvals.unreached(),
      "grants.list": () => caller.grants.list(),
      "grants.revoke": () => caller.grants.revoke({ grantId: w.grantB.id }),
      "users.myApprovalNotify": () => caller.users.myApprovalNotify(),
      "users.setMyApprovalNotify": () => caller.users.setMyApprovalNotify({ approvalNotify: "email" }),
      "escalation.settings": () => caller.escalation.settings(),
      // B's technician cannot be put in A's escalation group.
      "escalation.save": () => caller.escalation.save({ minutes: 5, userIds: [w.techB.id], slackChannel: null, secondMinutes: null }),
      "escalation.tool": () => caller.escalation.tool({ toolId: w.toolB.id }),
      "escalation.setTool": () => caller.escalation.setTool({ toolId: w.toolB.id, minutes: 1 }),
    };
    const historyBefore = (await w.db.select().from(toolPolicyChanges).where(eq(toolPolicyChanges.integrationId, w.integrationId))).length;
    // Every procedure of the router is probed: a new one without a probe fails here.
    expect(Object.keys(probes).sort()).toEqual(Object.keys(appRouter._def.procedures).sort());
    for (const [name, probe] of Object.entries(probes)) {
      const outcome = await probe().then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      if (outcome.ok) {
        const text = JSON.stringify(outcome.value ?? null);
        for (const id of bIds) expect(text, `${name} returned workspace B's ${id}`).not.toContain(id);
      } else {
        expect(outcome.error, name).toBeInstanceOf(TRPCError);
        expect(["NOT_FOUND", "FORBIDDEN", "BAD_REQUEST", "CONFLICT"], `${name}: ${(outcome.error as TRPCError).message}`).toContain(
          (outcome.error as TRPCError).code,
        );
      }
    }
    // Nothing of B changed.
    const [call] = await w.db.select().from(toolCalls).where(eq(toolCalls.id, w.callB));
    expect(call!.status).toBe("pending_approval");
    const [approval] = await w.db.select().from(approvalRequests).where(eq(approvalRequests.id, w.approvalB.id));
    expect(approval!.status).toBe("pending");
    const [grant] = await w.db.select().from(toolGrants).where(eq(toolGrants.id, w.grantB.id));
    expect(grant!.revokedAt).toBeNull();
    const [toolB] = await w.db.select().from(tools).where(eq(tools.id, w.toolB.id));
    expect(toolB!.policy).toBe("approval_needed");
    const [baselineB] = await w.db.select().from(baselines).where(eq(baselines.id, w.baselineB));
    expect(baselineB!.revision).toBe(1);
    const [integrationB] = await w.db.select().from(integrations).where(eq(integrations.id, w.integrationId));
    expect(integrationB!.baselineId).toBe(w.baselineB);
    expect(toolB!.escalationMinutes).toBeNull();
    expect(await w.db.select().from(toolPolicyChanges).where(eq(toolPolicyChanges.integrationId, w.integrationId))).toHaveLength(
      historyBefore,
    );
    const people = await createCaller({ db: w.db, user: w.adminB }).directory.list({ clientId: w.clientB.id });
    expect(people.map((person) => person.name)).toEqual(["P"]);
  });

  it("agent routes: workspace A's agent cannot read, cancel or call workspace B's calls and tools", async () => {
    const w = await twoWorkspaces();
    const params = { params: Promise.resolve({ callId: w.callB }) };
    expect((await getCall(agentGet(`/api/gateway/calls/${w.callB}`, w.agentA.key), params)).status).toBe(404);
    expect(
      (
        await cancelCall(
          new Request(`http://localhost/api/gateway/calls/${w.callB}/cancel`, {
            method: "POST",
            headers: { authorization: `Bearer ${w.agentA.key}` },
          }),
          params,
        )
      ).status,
    ).toBe(404);
    const call = await POST(gatewayRequest(w.agentA.key, { integration: "b-dir", tool: "get_user", arguments: {} }));
    expect(call.status).toBe(404);
    const [row] = await w.db.select().from(toolCalls).where(eq(toolCalls.id, w.callB));
    expect(row!.status).toBe("pending_approval");
  });
});
