import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agents, auditEvents, baselines, integrations, jobs, toolPolicyChanges, tools, workspaces } from "@/db/schema";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace } from "@/test/fixtures";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { createCaller } from "../api/root";
import { createClient } from "../clients/clients";
import { connectIntegration } from "../integrations/connect";
import { closeMcpClients } from "../integrations/connectors/mcp";

const database = setupTestDatabase();
let upstream: McpUpstream;

beforeAll(async () => {
  upstream = await startMcpUpstream({ tools: [tool("get_user"), tool("delete_user"), tool("send_email"), tool("reset_password")] });
});
afterAll(async () => {
  await closeMcpClients();
  await upstream.close();
});

/** One MSP with two clients, each with its own directory integration on the same kind of server. */
async function twoClients() {
  const { db } = database();
  const workspace = await createWorkspace(db);
  const admin = await createUser(db, workspace.id, { role: "admin", name: "Alice Admin" });
  const ctx = { db, user: admin };
  const caller = createCaller(ctx);
  const contoso = await createClient(ctx, { name: "Contoso" });
  const fabrikam = await createClient(ctx, { name: "Fabrikam" });
  const a = await connectIntegration(ctx, {
    clientId: contoso.id,
    name: "Contoso dir",
    slug: "contoso-dir",
    settings: { kind: "mcp", url: upstream.url },
  });
  const b = await connectIntegration(ctx, {
    clientId: fabrikam.id,
    name: "Fabrikam dir",
    slug: "fabrikam-dir",
    settings: { kind: "mcp", url: upstream.url },
  });
  const [agent] = await db
    .insert(agents)
    .values({ workspaceId: workspace.id, name: "Hooked", webhookUrl: "https://agent.example.test/hook" })
    .returning();
  const toolsOf = async (integrationId: string) => {
    const rows = await db.select().from(tools).where(eq(tools.integrationId, integrationId));
    return Object.fromEntries(rows.map((row) => [row.name, row]));
  };
  const revisionOf = async (integrationId: string) =>
    (await db.select({ revision: integrations.revision }).from(integrations).where(eq(integrations.id, integrationId)))[0]!.revision;
  return { db, workspace, admin, caller, contoso, fabrikam, a: a.integrationId, b: b.integrationId, agent: agent!, toolsOf, revisionOf };
}

/** A baseline made from A's policies (reset_password with manager approval), followed by A and B. */
async function followedByBoth(w: Awaited<ReturnType<typeof twoClients>>) {
  const aTools = await w.toolsOf(w.a);
  const { revision } = await w.caller.policies.save({
    integrationId: w.a,
    revision: await w.revisionOf(w.a),
    changes: [{ toolId: aTools.reset_password!.id, policy: "approval_needed", managerApproval: true }],
  });
  const { baselineId } = await w.caller.baselines.createFromIntegration({ integrationId: w.a, revision, name: "Standard directory" });
  await w.caller.baselines.follow({ integrationId: w.b, baselineId, revision: await w.revisionOf(w.b) });
  return baselineId;
}

describe("a baseline across clients", () => {
  it("followed by two clients' integrations: one change updates both, an override on one survives, reset to baseline restores it", async () => {
    const w = await twoClients();
    const baselineId = await followedByBoth(w);
    // Following took the baseline's policy for B's tool, recorded as a baseline change.
    expect((await w.toolsOf(w.b)).reset_password).toMatchObject({
      policy: "approval_needed",
      managerApproval: true,
      baselineOverride: false,
    });

    // An override on B: saved here, it differs from the baseline.
    const bTools = await w.toolsOf(w.b);
    await w.caller.policies.save({
      integrationId: w.b,
      revision: await w.revisionOf(w.b),
      changes: [{ toolId: bTools.delete_user!.id, policy: "disabled", managerApproval: false }],
    });
    const bView = await w.caller.baselines.forIntegration({ integrationId: w.b });
    expect(bView.following).toMatchObject({ id: baselineId, name: "Standard directory" });
    expect(bView.toolStatus[bTools.delete_user!.id]).toBe("overridden");
    expect(bView.toolStatus[bTools.send_email!.id]).toBe("from_baseline");

    // One baseline change.
    const detail = await w.caller.baselines.get({ baselineId });
    expect(detail.reach).toEqual({ integrations: 2, clients: 2 });
    const [before] = await w.db.select().from(workspaces).where(eq(workspaces.id, w.workspace.id));
    const revisions = { a: await w.revisionOf(w.a), b: await w.revisionOf(w.b) };
    const result = await w.caller.baselines.save({
      baselineId,
      revision: detail.revision,
      entries: [
        { toolName: "delete_user", policy: "auto", managerApproval: false },
        { toolName: "send_email", policy: "disabled", managerApproval: false },
      ],
    });
    expect(result).toMatchObject({ integrations: 2, clients: 2, applied: 3, toolsetVersion: before!.toolsetVersion + 1 });
    const [aAfter, bAfter] = [await w.toolsOf(w.a), await w.toolsOf(w.b)];
    expect(aAfter.delete_user!.policy).toBe("auto");
    expect(aAfter.send_email!.policy).toBe("disabled");
    expect(bAfter.send_email!.policy).toBe("disabled");
    // The override on B survives.
    expect(bAfter.delete_user).toMatchObject({ policy: "disabled", baselineOverride: true });
    expect(await w.revisionOf(w.a)).toBe(revisions.a + 1);
    expect(await w.revisionOf(w.b)).toBe(revisions.b + 1);
    // Agents are told as for any save: the configuration webhook carries the baseline's cause.
    const hooks = await w.db.select().from(jobs).where(eq(jobs.kind, "agent_config_webhook"));
    expect(hooks.map((job) => job.payload)).toContainEqual(
      expect.objectContaining({ agentId: w.agent.id, version: before!.toolsetVersion + 1, cause: "baseline.saved" }),
    );
    // History per follower, source "baseline", at the follower's new revision.
    const history = await w.db
      .select()
      .from(toolPolicyChanges)
      .where(and(eq(toolPolicyChanges.workspaceId, w.workspace.id), eq(toolPolicyChanges.source, "baseline")));
    const atSave = (integrationId: string, revision: number) =>
      history
        .filter((row) => row.integrationId === integrationId && row.revision === revision)
        .map(
          (row) =>
            `${row.toolId === aAfter.delete_user!.id || row.toolId === bAfter.delete_user!.id ? "delete_user" : "send_email"}:${row.fromPolicy}→${row.toPolicy}`,
        )
        .sort();
    expect(atSave(w.a, revisions.a + 1)).toEqual(["delete_user:approval_needed→auto", "send_email:approval_needed→disabled"]);
    expect(atSave(w.b, revisions.b + 1)).toEqual(["send_email:approval_needed→disabled"]);
    const audit = await w.db.select().from(auditEvents).where(eq(auditEvents.workspaceId, w.workspace.id));
    expect(audit.filter((event) => event.action === "baseline.saved")).toHaveLength(1);
    expect(
      audit
        .filter((event) => event.action === "baseline.applied")
        .map((event) => event.clientId)
        .sort(),
    ).toEqual([w.contoso.id, w.fabrikam.id].sort());

    // Reset to baseline restores B's tool, and it follows the baseline again.
    await w.caller.baselines.resetTool({ integrationId: w.b, toolId: bAfter.delete_user!.id, revision: await w.revisionOf(w.b) });
    expect((await w.toolsOf(w.b)).delete_user).toMatchObject({ policy: "auto", baselineOverride: false });
    expect((await w.caller.baselines.forIntegration({ integrationId: w.b })).toolStatus[bAfter.delete_user!.id]).toBe("from_baseline");
    const again = await w.caller.baselines.get({ baselineId });
    await w.caller.baselines.save({
      baselineId,
      revision: again.revision,
      entries: [{ toolName: "delete_user", policy: "approval_needed", managerApproval: false }],
    });
    expect((await w.toolsOf(w.b)).delete_user!.policy).toBe("approval_needed");
    expect(
      (await w.caller.policies.history({ integrationId: w.b })).filter((row) => row.toolName === "delete_user").map((row) => row.source),
    ).toEqual(["baseline", "baseline", "save"]);
  });

  it("saving a follower's tool back to the baseline's policy clears its override", async () => {
    const w = await twoClients();
    await followedByBoth(w);
    const bTools = await w.toolsOf(w.b);
    const save = async (policy: "disabled" | "approval_needed") =>
      w.caller.policies.save({
        integrationId: w.b,
        revision: await w.revisionOf(w.b),
        changes: [{ toolId: bTools.delete_user!.id, policy, managerApproval: false }],
      });
    await save("disabled");
    expect((await w.toolsOf(w.b)).delete_user!.baselineOverride).toBe(true);
    await save("approval_needed");
    expect((await w.toolsOf(w.b)).delete_user!.baselineOverride).toBe(false);
  });

  it("a baseline change is one transaction: when one follower's write fails, no follower and not the baseline changes", async () => {
    const w = await twoClients();
    const baselineId = await followedByBoth(w);
    const detail = await w.caller.baselines.get({ baselineId });
    // A history write that fails for B only, after A's tools were written in the same transaction.
    await w.db.execute(
      sql.raw(`create function fail_for_b() returns trigger language plpgsql as $$ begin
        if new.integration_id = '${w.b}' and new.source = 'baseline' then raise exception 'injected failure'; end if; return new; end $$`),
    );
    await w.db.execute(
      sql.raw("create trigger fail_for_b before insert on tool_policy_changes for each row execute function fail_for_b()"),
    );
    const revisions = { a: await w.revisionOf(w.a), b: await w.revisionOf(w.b) };
    await expect(
      w.caller.baselines.save({
        baselineId,
        revision: detail.revision,
        entries: [{ toolName: "send_email", policy: "disabled", managerApproval: false }],
      }),
    ).rejects.toThrow(/injected failure|Failed query/);
    await w.db.execute(sql.raw("drop trigger fail_for_b on tool_policy_changes"));
    await w.db.execute(sql.raw("drop function fail_for_b()"));
    expect((await w.toolsOf(w.a)).send_email!.policy).toBe("approval_needed");
    expect(await w.revisionOf(w.a)).toBe(revisions.a);
    expect(await w.revisionOf(w.b)).toBe(revisions.b);
    expect((await w.caller.baselines.get({ baselineId })).entries.find((entry) => entry.toolName === "send_email")!.policy).toBe(
      "approval_needed",
    );
  });

  it("a baseline change racing an override at a follower: whichever wins, the override is never clobbered", async () => {
    const w = await twoClients();
    const baselineId = await followedByBoth(w);
    const bTools = await w.toolsOf(w.b);
    // Each round the override differs from the baseline before and after the change, so it is an override whichever order wins.
    const rounds = [
      { policy: "auto", override: "disabled" },
      { policy: "disabled", override: "approval_needed" },
      { policy: "auto", override: "approval_needed" },
    ] as const;
    for (const [round, { policy, override }] of rounds.entries()) {
      const detail = await w.caller.baselines.get({ baselineId });
      const [baselineSave, overrideSave] = await Promise.allSettled([
        w.caller.baselines.save({
          baselineId,
          revision: detail.revision,
          entries: [{ toolName: "delete_user", policy, managerApproval: false }],
        }),
        w.caller.policies.save({
          integrationId: w.b,
          revision: await w.revisionOf(w.b),
          changes: [{ toolId: bTools.delete_user!.id, policy: override, managerApproval: false }],
        }),
      ]);
      expect(baselineSave.status, `round ${round}`).toBe("fulfilled");
      const tool = (await w.toolsOf(w.b)).delete_user!;
      if (overrideSave.status === "fulfilled") expect(tool).toMatchObject({ policy: override, baselineOverride: true });
      else {
        // The baseline came first: the admin's save was stale and said so; the tool follows the baseline.
        expect(String(overrideSave.reason)).toMatch(/Nothing was saved/);
        expect(tool).toMatchObject({ policy, baselineOverride: false });
      }
      await w.caller.baselines.resetTool({ integrationId: w.b, toolId: tool.id, revision: await w.revisionOf(w.b) }).catch(() => undefined);
    }
  });

  it("a stale baseline save changes nothing and says so; an integration of another kind cannot follow", async () => {
    const w = await twoClients();
    const baselineId = await followedByBoth(w);
    const detail = await w.caller.baselines.get({ baselineId });
    await w.caller.baselines.save({
      baselineId,
      revision: detail.revision,
      entries: [{ toolName: "get_user", policy: "disabled", managerApproval: false }],
    });
    await expect(
      w.caller.baselines.save({
        baselineId,
        revision: detail.revision,
        entries: [{ toolName: "get_user", policy: "auto", managerApproval: false }],
      }),
    ).rejects.toThrow(/someone changed this baseline/);
    expect((await w.toolsOf(w.a)).get_user!.policy).toBe("disabled");
    await expect(
      w.caller.baselines.save({
        baselineId,
        revision: detail.revision + 1,
        entries: [{ toolName: "get_user", policy: "auto", managerApproval: true }],
      }),
    ).rejects.toThrow(/Manager Approval needs/);

    // Same server software at another URL path is not the same kind.
    const other = await connectIntegration(
      { db: w.db, user: w.admin },
      { clientId: w.fabrikam.id, name: "Other", slug: "other", settings: { kind: "mcp", url: upstream.url } },
    );
    await w.db
      .update(integrations)
      .set({ config: { url: upstream.url.replace(/\/mcp$/, "/elsewhere") } })
      .where(eq(integrations.id, other.integrationId));
    expect((await w.caller.baselines.forIntegration({ integrationId: other.integrationId })).candidates).toEqual([]);
    await expect(
      w.caller.baselines.follow({ integrationId: other.integrationId, baselineId, revision: await w.revisionOf(other.integrationId) }),
    ).rejects.toThrow(/another kind of integration/);
  });

  it("is scoped to the workspace: another MSP's admin can neither read nor change the baseline or its followers", async () => {
    const w = await twoClients();
    const baselineId = await followedByBoth(w);
    const otherWorkspace = await createWorkspace(w.db);
    const intruder = createCaller({ db: w.db, user: await createUser(w.db, otherWorkspace.id, { role: "admin" }) });
    const detail = await w.caller.baselines.get({ baselineId });
    const bTools = await w.toolsOf(w.b);
    for (const attempt of [
      () => intruder.baselines.get({ baselineId }),
      () =>
        intruder.baselines.save({
          baselineId,
          revision: detail.revision,
          entries: [{ toolName: "get_user", policy: "disabled", managerApproval: false }],
        }),
      () => intruder.baselines.forIntegration({ integrationId: w.b }),
      () => intruder.baselines.unfollow({ integrationId: w.b, revision: 1 }),
      () => intruder.baselines.resetTool({ integrationId: w.b, toolId: bTools.delete_user!.id, revision: 1 }),
      () => intruder.baselines.createFromIntegration({ integrationId: w.a, revision: 1, name: "Stolen" }),
    ])
      await expect(attempt()).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await intruder.baselines.list()).toEqual([]);
    expect((await w.caller.baselines.get({ baselineId })).revision).toBe(detail.revision);
    expect(await w.db.select().from(baselines).where(eq(baselines.workspaceId, otherWorkspace.id))).toEqual([]);
    // A technician reads but cannot change.
    const technician = createCaller({ db: w.db, user: await createUser(w.db, w.workspace.id, { role: "technician" }) });
    expect((await technician.baselines.list()).map((row) => row.reach)).toEqual([{ integrations: 2, clients: 2 }]);
    await expect(
      technician.baselines.save({
        baselineId,
        revision: detail.revision,
        entries: [{ toolName: "get_user", policy: "disabled", managerApproval: false }],
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
