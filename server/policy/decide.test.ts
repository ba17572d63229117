import { describe, expect, it } from "vitest";
import { APPROVAL_KINDS, INTEGRATION_STATUSES, TOOL_POLICIES, type ApprovalKind, type ToolPolicy } from "@/db/schema";
import { decide, type DecisionInput } from "./decide";
import type { PolicyRule } from "./rules";

const active: DecisionInput = {
  workspace: { agentsPaused: false },
  agent: { paused: false },
  key: { retired: false, revoked: false },
  integration: { status: "active", inAgentScope: true },
  tool: { policy: "auto", managerApproval: false, flagged: false, removed: false, definitionHash: "h1", readOnly: true, rules: [] },
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
      tool: { policy: "disabled", managerApproval: false, flagged: false, removed: true, definitionHash: "h", readOnly: false, rules: [] },
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
    expect(decide({ ...retired, call: { approvals: [], definitionHash: "h1" } })).toMatchObject({ kind: "execute" });
    expect(decide({ ...active, key: { retired: false, revoked: true }, call: { approvals: [], definitionHash: "h1" } })).toMatchObject({
      code: "key_revoked",
    });
  });

  it("for a call already made: the definition must be the one approved, and the approvals asked must cover the policy now", () => {
    const made = (approvals: ApprovalKind[], definitionHash: string | null = "h1") => ({ approvals, definitionHash });
    const needsBoth = tool({ policy: "approval_needed", managerApproval: true });
    expect(decide({ ...needsBoth, call: made(["technician", "manager"]) })).toMatchObject({ kind: "execute" });
    expect(decide({ ...needsBoth, call: made(["technician"]) })).toMatchObject({ kind: "reject", code: "approvals_changed" });
    expect(decide({ ...tool({ policy: "approval_needed" }), call: made(["technician", "manager"]) })).toMatchObject({ kind: "execute" });
    expect(decide({ ...active, call: made(["technician"]) })).toMatchObject({ kind: "execute" });
    expect(decide({ ...active, call: made(["technician"], "h0") })).toMatchObject({ kind: "reject", code: "definition_changed" });
    expect(decide({ ...active, call: made(["technician"], null) })).toMatchObject({ kind: "reject", code: "definition_changed" });
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
                      tool: { policy, managerApproval, flagged, removed, definitionHash: "h1", readOnly: true, rules: [] },
                      ...(approvals ? { call: { approvals, definitionHash: "h1" } } : {}),
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
    const approved = { ...tool({ policy: "approval_needed" }), call: { approvals: ["technician" as const], definitionHash: "h1" } };
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
      expect(decision).toEqual({ kind: "await_approval", approvals: ["technician"], reason: "policy: approval_needed" });
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
      const made = { approvals: ["technician" as const], definitionHash: "h1" };
      const waiting = withRules("approval_needed", [marketingAuto], { group: "Sales" });
      expect(decide({ ...waiting, call: made })).toMatchObject({ kind: "execute" });
      const stricter = withRules("approval_needed", [marketingAuto, { ...adminsWithManager, value: ["Sales"] }], { group: "Sales" });
      expect(decide({ ...stricter, call: made })).toMatchObject({ kind: "reject", code: "approvals_changed", rule: { index: 2 } });
    });
  });
});
