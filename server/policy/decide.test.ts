import { describe, expect, it } from "vitest";
import { APPROVAL_KINDS, INTEGRATION_STATUSES, TOOL_POLICIES, type ApprovalKind, type ToolPolicy } from "@/db/schema";
import { decide, type DecisionInput } from "./decide";
import type { PolicyRule } from "./rules";
import { toolPolicyFingerprint } from "./fingerprint";
import type { GrantCandidate } from "./grant-match";

const active: DecisionInput = {
  workspace: { agentsPaused: false },
  agent: { paused: false },
  key: { retired: false, revoked: false },
  integration: { status: "active", inAgentScope: true },
  tool: {
    policy: "auto",
    managerApproval: false,
    technicianApprovals: 1,
    flagged: false,
    removed: false,
    definitionHash: "h1",
    readOnly: true,
    rules: [],
  },
  planMode: null,
  limits: null,
  arguments: null,
};
const tool = (patch: Partial<NonNullable<DecisionInput["tool"]>>) => ({ ...active, tool: { ...active.tool!, ...patch } });

describe("decide", () => {
  it("maps each policy to its outcome", () => {
    expect(decide(active)).toEqual({ kind: "execute", reason: "policy: auto" });
    expect(decide(tool({ policy: "approval_needed" }))).toMatchObject({ kind: "await_approval", approvals: ["technician"] });
    expect(decide(tool({ policy: "approval_needed", managerApproval: true }))).toMatchObject({
      kind: "await_approval",
      approvals: ["technician", "manager"],
    });
    expect(decide(tool({ policy: "disabled" }))).toMatchObject({ kind: "reject", code: "tool_disabled" });
  });

  it("raises a flagged auto tool to a technician's approval, and keeps a flagged disabled tool disabled", () => {
    expect(decide(tool({ flagged: true }))).toMatchObject({ kind: "await_approval", approvals: ["technician"] });
    expect(decide(tool({ flagged: true, policy: "disabled" }))).toMatchObject({ kind: "reject", code: "tool_disabled" });
  });

  it("checks in order: workspace paused, agent paused, key, scope, integration, tool, policy, plan mode, rate limit", () => {
    const everythingWrong: DecisionInput = {
      workspace: { agentsPaused: true },
      agent: { paused: true },
      key: { retired: true, revoked: true },
      integration: { status: "paused", inAgentScope: false },
      tool: {
        policy: "disabled",
        managerApproval: false,
        technicianApprovals: 1,
        flagged: false,
        removed: true,
        definitionHash: "h",
        readOnly: false,
        rules: [],
      },
      planMode: "agent",
      arguments: null,
      limits: { agentPerMinute: { limit: 1, used: 1, resetsInSeconds: 30 }, toolPerHour: null },
    };
    const order = [
      "workspace_paused",
      "agent_paused",
      "key_revoked",
      "out_of_scope",
      "integration_paused",
      "tool_removed",
      "tool_disabled",
      "plan_mode",
      "rate_limited",
    ] as const;
    let state = everythingWrong;
    const fixes: Array<(input: DecisionInput) => DecisionInput> = [
      (input) => ({ ...input, workspace: { agentsPaused: false } }),
      (input) => ({ ...input, agent: { paused: false } }),
      (input) => ({ ...input, key: { retired: false, revoked: false } }),
      (input) => ({ ...input, integration: { status: "paused", inAgentScope: true } }),
      (input) => ({ ...input, integration: { status: "active", inAgentScope: true } }),
      (input) => ({ ...input, tool: { ...input.tool!, removed: false } }),
      (input) => ({ ...input, tool: { ...input.tool!, policy: "auto" } }),
      (input) => ({ ...input, tool: { ...input.tool!, readOnly: true } }),
    ];
    for (const [index, code] of order.entries()) {
      expect(decide(state)).toMatchObject({ kind: "reject", code });
      state = fixes[index]?.(state) ?? state;
    }
  });

  it("denies what it cannot evaluate: no key, no integration, no tool, a disconnected integration", () => {
    expect(decide({ ...active, key: null })).toMatchObject({ code: "key_revoked" });
    expect(decide({ ...active, integration: null, tool: null })).toMatchObject({ code: "unknown_integration" });
    expect(decide({ ...active, tool: null })).toMatchObject({ code: "unknown_tool" });
    expect(decide({ ...active, integration: { status: "disconnected", inAgentScope: true } })).toMatchObject({
      code: "unknown_integration",
    });
  });

  it("refuses new calls with a retired key, but lets calls already made with it go on", () => {
    const retired = { ...active, key: { retired: true, revoked: false } };
    expect(decide(retired)).toMatchObject({ kind: "reject", code: "key_retired" });
    expect(decide({ ...retired, call: { approvals: [], definitionHash: "h1", technicianApprovals: 0 } })).toMatchObject({
      kind: "execute",
    });
    expect(
      decide({ ...active, key: { retired: false, revoked: true }, call: { approvals: [], definitionHash: "h1", technicianApprovals: 0 } }),
    ).toMatchObject({
      code: "key_revoked",
    });
  });

  it("for a call already made: the definition must be the one approved, and the approvals asked must cover the policy now", () => {
    const made = (approvals: ApprovalKind[], definitionHash: string | null = "h1", technicianApprovals = 1) => ({
      approvals,
      definitionHash,
      technicianApprovals,
    });
    const needsBoth = tool({ policy: "approval_needed", managerApproval: true });
    expect(decide({ ...needsBoth, call: made(["technician", "manager"]) })).toMatchObject({ kind: "execute" });
    expect(decide({ ...needsBoth, call: made(["technician"]) })).toMatchObject({ kind: "reject", code: "approvals_changed" });
    expect(decide({ ...tool({ policy: "approval_needed" }), call: made(["technician", "manager"]) })).toMatchObject({ kind: "execute" });
    expect(decide({ ...active, call: made(["technician"]) })).toMatchObject({ kind: "execute" });
    expect(decide({ ...active, call: made(["technician"], "h0") })).toMatchObject({ kind: "reject", code: "definition_changed" });
    expect(decide({ ...active, call: made(["technician"], null) })).toMatchObject({ kind: "reject", code: "definition_changed" });
  });

  it("the two-person rule: asks for K distinct technicians, and a call made when fewer were asked may not run once K is raised", () => {
    const made = (approvals: ApprovalKind[], definitionHash: string, technicianApprovals: number) => ({
      approvals,
      definitionHash,
      technicianApprovals,
    });
    const twoPeople = tool({ policy: "approval_needed", technicianApprovals: 2 });
    expect(decide(twoPeople)).toMatchObject({ kind: "await_approval", approvals: ["technician"], technicians: 2 });
    expect(decide(tool({ policy: "approval_needed", managerApproval: true, technicianApprovals: 3 }))).toMatchObject({
      approvals: ["technician", "manager"],
      technicians: 3,
    });
    expect(decide(tool({ policy: "approval_needed" }))).toMatchObject({ technicians: 1 });
    // Only with approval_needed: a flagged auto tool needs one technician, whatever K says.
    expect(decide(tool({ flagged: true, technicianApprovals: 2 }))).toMatchObject({ kind: "await_approval", technicians: 1 });
    // A value no admin can set asks for the most, never for fewer.
    expect(decide(tool({ policy: "approval_needed", technicianApprovals: 0 }))).toMatchObject({ technicians: 3 });
    expect(decide(tool({ policy: "approval_needed", technicianApprovals: Number.NaN }))).toMatchObject({ technicians: 3 });
    // Raised after the call was made: rejected before it runs; lowered or unchanged: it goes on with what it asked.
    expect(decide({ ...twoPeople, call: made(["technician"], "h1", 1) })).toMatchObject({
      kind: "reject",
      code: "approvals_changed",
      reason: expect.stringContaining("2 technicians"),
    });
    expect(decide({ ...twoPeople, call: made(["technician"], "h1", 2) })).toMatchObject({ kind: "execute" });
    expect(decide({ ...tool({ policy: "approval_needed" }), call: made(["technician"], "h1", 2) })).toMatchObject({ kind: "execute" });
  });

  it("is exhaustive: only an active, in-scope, unflagged auto tool executes a new call", () => {
    for (const policy of TOOL_POLICIES)
      for (const status of INTEGRATION_STATUSES)
        for (const flagged of [false, true])
          for (const removed of [false, true])
            for (const managerApproval of [false, true])
              for (const agentPaused of [false, true])
                for (const inAgentScope of [false, true])
                  for (const approvals of [null, [], [...APPROVAL_KINDS]]) {
                    const decision = decide({
                      ...active,
                      agent: { paused: agentPaused },
                      integration: { status, inAgentScope },
                      tool: {
                        policy,
                        managerApproval,
                        technicianApprovals: 1,
                        flagged,
                        removed,
                        definitionHash: "h1",
                        readOnly: true,
                        rules: [],
                      },
                      ...(approvals ? { call: { approvals, definitionHash: "h1", technicianApprovals: 1 } } : {}),
                    });
                    const allowed = !agentPaused && inAgentScope && status === "active" && !removed && policy !== "disabled";
                    if (!allowed) expect(decision.kind).toBe("reject");
                    if (!approvals && allowed) expect(decision.kind === "execute").toBe(policy === "auto" && !flagged);
                    if (approvals && approvals.length === 2 && allowed) expect(decision.kind).toBe("execute");
                  }
  });

  it("plan mode lets through only a tool that runs at once and is classified read-only", () => {
    for (const planMode of ["agent", "request"] as const) {
      expect(decide({ ...active, planMode })).toMatchObject({ kind: "execute" });
      expect(decide({ ...tool({ readOnly: false }), planMode })).toMatchObject({ kind: "reject", code: "plan_mode" });
      expect(decide({ ...tool({ policy: "approval_needed" }), planMode })).toMatchObject({ kind: "reject", code: "plan_mode" });
      expect(decide({ ...tool({ flagged: true }), planMode })).toMatchObject({ kind: "reject", code: "plan_mode" });
      // A stronger refusal keeps its own code.
      expect(decide({ ...tool({ policy: "disabled" }), planMode })).toMatchObject({ code: "tool_disabled" });
    }
    expect(decide({ ...tool({ readOnly: false }), planMode: "request" }).reason).toContain("Toolgate-Mode: plan");
    // The agent's plan mode holds a call already made and approved, too.
    const approved = {
      ...tool({ policy: "approval_needed" }),
      call: { approvals: ["technician" as const], definitionHash: "h1", technicianApprovals: 1 },
    };
    expect(decide(approved)).toMatchObject({ kind: "execute" });
    expect(decide({ ...approved, planMode: "agent" })).toMatchObject({ kind: "reject", code: "plan_mode" });
  });

  it("a full rate-limit window refuses with the seconds until it resets, even a call that would wait for approval", () => {
    const window = (used: number, limit = 5, resetsInSeconds = 12.3) => ({ limit, used, resetsInSeconds });
    expect(decide({ ...active, limits: { agentPerMinute: window(4), toolPerHour: null } })).toMatchObject({ kind: "execute" });
    expect(decide({ ...active, limits: { agentPerMinute: window(5), toolPerHour: null } })).toMatchObject({
      kind: "reject",
      code: "rate_limited",
      retryAfterSeconds: 13,
    });
    expect(
      decide({ ...tool({ policy: "approval_needed" }), limits: { agentPerMinute: null, toolPerHour: window(9, 5, 0.2) } }),
    ).toMatchObject({
      kind: "reject",
      code: "rate_limited",
      retryAfterSeconds: 1,
    });
    expect(decide({ ...active, limits: { agentPerMinute: window(0), toolPerHour: window(5, 5, 1800) } }).reason).toContain(
      "at most 5 calls an hour of this tool",
    );
    // Waiting cures a rate limit, not a disabled tool or plan mode: those answer first.
    const full = { agentPerMinute: window(5), toolPerHour: null };
    expect(decide({ ...tool({ policy: "disabled" }), limits: full })).toMatchObject({ code: "tool_disabled" });
    expect(decide({ ...tool({ readOnly: false }), planMode: "agent", limits: full })).toMatchObject({ code: "plan_mode" });
    expect(decide({ ...active, agent: { paused: true }, limits: full })).toMatchObject({ code: "agent_paused" });
  });

  describe("rules on arguments", () => {
    const marketingAuto: PolicyRule = {
      argument: "group",
      operator: "one_of",
      value: ["Marketing"],
      then: { policy: "auto", managerApproval: false },
    };
    const adminsWithManager: PolicyRule = {
      argument: "group",
      operator: "one_of",
      value: ["Domain Admins"],
      then: { policy: "approval_needed", managerApproval: true },
    };
    const withRules = (policy: ToolPolicy, rules: PolicyRule[], args: Record<string, unknown> | null) => ({
      ...tool({ policy, rules }),
      arguments: args,
    });

    it("the matching rule decides, and the decision names it", () => {
      const rules = [marketingAuto, adminsWithManager];
      expect(decide(withRules("approval_needed", rules, { group: "Marketing" }))).toEqual({
        kind: "execute",
        reason: "rule 1, group is one of [Marketing]: auto",
        rule: { index: 1, text: "rule 1, group is one of [Marketing]", then: { policy: "auto", managerApproval: false } },
      });
      expect(decide(withRules("approval_needed", rules, { group: "Domain Admins" }))).toMatchObject({
        kind: "await_approval",
        approvals: ["technician", "manager"],
        reason: "rule 2, group is one of [Domain Admins]: approval needed with manager",
        rule: { index: 2, text: "rule 2, group is one of [Domain Admins]" },
      });
    });

    it("the tool's own policy applies when no rule matches; an absent value never loosens", () => {
      const decision = decide(withRules("approval_needed", [marketingAuto], { group: "Sales" }));
      expect(decision).toEqual({ kind: "await_approval", approvals: ["technician"], technicians: 1, reason: "policy: approval_needed" });
      expect(decide(withRules("approval_needed", [marketingAuto], {}))).toMatchObject({
        kind: "await_approval",
        approvals: ["technician"],
      });
      expect(decide(withRules("approval_needed", [marketingAuto], { group: 7 }))).toMatchObject({ kind: "await_approval" });
    });

    it("the strictest matching rule wins over an earlier looser one", () => {
      const disableAdmins: PolicyRule = { ...adminsWithManager, then: { policy: "disabled", managerApproval: false } };
      const both = { argument: "group", operator: "one_of" as const, value: ["Marketing", "Domain Admins"], then: marketingAuto.then };
      expect(decide(withRules("approval_needed", [both, disableAdmins], { group: "Domain Admins" }))).toMatchObject({
        kind: "reject",
        code: "tool_disabled",
        reason: "rule 2, group is one of [Domain Admins]: the tool is disabled",
        rule: { index: 2 },
      });
    });

    it("a flagged definition still raises a rule's auto to a technician's approval", () => {
      const decision = decide({
        ...withRules("approval_needed", [marketingAuto], { group: "Marketing" }),
        tool: { ...tool({}).tool!, policy: "approval_needed", flagged: true, rules: [marketingAuto] },
      });
      expect(decision).toMatchObject({ kind: "await_approval", approvals: ["technician"], rule: { index: 1 } });
      expect(decision.reason).toContain("changed upstream");
    });

    it("with arguments unknown (the tool list) a tool is shown unless every path disables it", () => {
      // Its own policy answers for arguments no rule matches.
      expect(decide(withRules("approval_needed", [marketingAuto], null))).toMatchObject({
        kind: "await_approval",
        approvals: ["technician"],
      });
      expect(decide(withRules("auto", [adminsWithManager], null))).toMatchObject({ kind: "execute" });
      // A disabled tool that a rule can enable is listed with the strictest enabling rule's outcome.
      const enabling: PolicyRule = { ...marketingAuto, then: { policy: "approval_needed", managerApproval: false } };
      expect(decide(withRules("disabled", [marketingAuto, enabling], null))).toMatchObject({
        kind: "await_approval",
        approvals: ["technician"],
        rule: { index: 2 },
      });
      // Every path disabled: refused.
      const disabling: PolicyRule = { ...marketingAuto, then: { policy: "disabled", managerApproval: false } };
      expect(decide(withRules("disabled", [disabling], null))).toMatchObject({ kind: "reject", code: "tool_disabled" });
    });

    it("a call already made is re-checked with its arguments: the same rules give the same answer, a changed rule cancels", () => {
      const made = { approvals: ["technician" as const], definitionHash: "h1", technicianApprovals: 1 };
      const waiting = withRules("approval_needed", [marketingAuto], { group: "Sales" });
      expect(decide({ ...waiting, call: made })).toMatchObject({ kind: "execute" });
      const stricter = withRules("approval_needed", [marketingAuto, { ...adminsWithManager, value: ["Sales"] }], { group: "Sales" });
      expect(decide({ ...stricter, call: made })).toMatchObject({ kind: "reject", code: "approvals_changed", rule: { index: 2 } });
    });
  });
});

describe("decide: the standing-grant rung", () => {
  const needsApproval = tool({ policy: "approval_needed" });
  const fingerprint = toolPolicyFingerprint(needsApproval.tool!);
  const grant: GrantCandidate = {
    id: "grt_1",
    pinnedArguments: { email: "ann@contoso.test", group: "VPN" },
    unpinnedArguments: [],
    requesterEmail: null,
    approvals: ["technician"],
    approvedBy: "Avery Admin",
    policyFingerprint: fingerprint,
  };
  const withGrants = (
    input: DecisionInput,
    args: Record<string, unknown>,
    candidates: GrantCandidate[] = [grant],
    requester: { email: string; verifiedByTicket: boolean } | null = null,
  ): DecisionInput => ({ ...input, grants: { candidates, arguments: args, requester } });
  const same = { email: "ann@contoso.test", group: "VPN" };

  it("runs a call that matches an active grant at once, recorded as by that grant", () => {
    expect(decide(withGrants(needsApproval, { group: "VPN", email: "ann@contoso.test" }))).toEqual({
      kind: "execute",
      reason: "auto by grant grt_1, approved by Avery Admin",
      grant: { id: "grt_1", approvedBy: "Avery Admin" },
    });
  });

  it("compares pinned arguments by canonical JSON and refuses any argument the approvers did not see", () => {
    const nested = { ...grant, pinnedArguments: { filter: { b: 1, a: [1, 2] } } };
    expect(decide(withGrants(needsApproval, { filter: { a: [1, 2], b: 1 } }, [nested]))).toMatchObject({ kind: "execute" });
    expect(decide(withGrants(needsApproval, { filter: { a: [2, 1], b: 1 } }, [nested]))).toMatchObject({ kind: "await_approval" });
    expect(decide(withGrants(needsApproval, { ...same, group: "Admins" }))).toMatchObject({ kind: "await_approval" });
    expect(decide(withGrants(needsApproval, { email: "ann@contoso.test" }))).toMatchObject({ kind: "await_approval" });
    expect(decide(withGrants(needsApproval, { ...same, extra: true }))).toMatchObject({ kind: "await_approval" });
    expect(decide(withGrants(needsApproval, { ...same, constructor: 1 }))).toMatchObject({ kind: "await_approval" });
  });

  it("lets an unpinned argument take any value", () => {
    const open = { ...grant, pinnedArguments: { email: "ann@contoso.test" }, unpinnedArguments: ["group"] };
    expect(decide(withGrants(needsApproval, { ...same, group: "Anything" }, [open]))).toMatchObject({ kind: "execute" });
    expect(decide(withGrants(needsApproval, { email: "bob@contoso.test", group: "VPN" }, [open]))).toMatchObject({
      kind: "await_approval",
    });
  });

  it("matches a pinned requester only when the call's requester is the same person verified by a ticket", () => {
    const pinned = { ...grant, requesterEmail: "ann@contoso.test" };
    expect(decide(withGrants(needsApproval, same, [pinned], { email: "ann@contoso.test", verifiedByTicket: true }))).toMatchObject({
      kind: "execute",
    });
    expect(decide(withGrants(needsApproval, same, [pinned], { email: "ann@contoso.test", verifiedByTicket: false }))).toMatchObject({
      kind: "await_approval",
    });
    expect(decide(withGrants(needsApproval, same, [pinned], { email: "bob@contoso.test", verifiedByTicket: true }))).toMatchObject({
      kind: "await_approval",
    });
    expect(decide(withGrants(needsApproval, same, [pinned], null))).toMatchObject({ kind: "await_approval" });
    // A grant without a pinned requester (the approved call's was not verified) covers any requester.
    expect(decide(withGrants(needsApproval, same, [grant], { email: "bob@contoso.test", verifiedByTicket: false }))).toMatchObject({
      kind: "execute",
    });
  });

  it("needs every approval the call needs to have granted: a technician's grant does not cover Manager Approval", () => {
    const manager = tool({ policy: "approval_needed", managerApproval: true });
    const managerFingerprint = toolPolicyFingerprint(manager.tool!);
    const requester = { email: "ann@contoso.test", verifiedByTicket: true };
    const technicianOnly = { ...grant, requesterEmail: "ann@contoso.test", policyFingerprint: managerFingerprint };
    expect(decide(withGrants(manager, same, [technicianOnly], requester))).toMatchObject({ kind: "await_approval" });
    const both = { ...technicianOnly, approvals: ["technician", "manager"] as ApprovalKind[] };
    expect(decide(withGrants(manager, same, [both], requester))).toMatchObject({ kind: "execute" });
    // The manager granted for their report only: a manager grant without a pinned requester covers nothing.
    expect(decide(withGrants(manager, same, [{ ...both, requesterEmail: null }], requester))).toMatchObject({ kind: "await_approval" });
  });

  it("is void once the tool's policy, Manager Approval or definition differs from what it was granted under", () => {
    expect(decide(withGrants(needsApproval, same))).toMatchObject({ kind: "execute" });
    for (const changed of [
      tool({ policy: "approval_needed", definitionHash: "h2" }),
      tool({ policy: "approval_needed", managerApproval: true }),
    ])
      expect(decide(withGrants(changed, same))).toMatchObject({ kind: "await_approval" });
    expect(decide(withGrants(tool({ policy: "disabled" }), same))).toMatchObject({ kind: "reject", code: "tool_disabled" });
  });

  it("never lifts a refusal: pauses, plan mode and rate limits come first", () => {
    expect(decide(withGrants(needsApproval, same))).toMatchObject({ kind: "execute" });
    expect(decide(withGrants({ ...needsApproval, agent: { paused: true } }, same))).toMatchObject({ code: "agent_paused" });
    expect(decide(withGrants({ ...needsApproval, planMode: "agent" }, same))).toMatchObject({ code: "plan_mode" });
    const full = { agentPerMinute: { limit: 1, used: 1, resetsInSeconds: 5 }, toolPerHour: null };
    expect(decide(withGrants({ ...needsApproval, limits: full }, same))).toMatchObject({ code: "rate_limited" });
  });

  it("does not apply to a call already made (its own approvals decide it)", () => {
    const made = {
      ...withGrants(needsApproval, same),
      call: { approvals: [] as ApprovalKind[], definitionHash: "h1", technicianApprovals: 0 },
    };
    expect(decide(made)).toMatchObject({ kind: "reject", code: "approvals_changed" });
  });
});
