import { describe, expect, it } from "vitest";
import { explainPolicy, type ExplainInput } from "./explain";
import { toolPolicyFingerprint } from "./fingerprint";

const base: ExplainInput = {
  toolName: "reset_password",
  policy: "auto",
  managerApproval: false,
  flagged: false,
  integrationStatus: "active",
  integrationSlug: "contoso",
  reach: { technician: ["inbox", "slack"], tickets: [], manager: { email: true, slack: true } },
};

describe("explainPolicy", () => {
  it("shows a standing grant, and says when the choice being made voids it (read from the decision)", () => {
    const grant = {
      id: "grt_9",
      agentName: "Helpdesk bot",
      pinnedArguments: { email: "ann@contoso.test" },
      unpinnedArguments: [],
      requesterEmail: null,
      approvals: ["technician" as const],
      approvedBy: "Terry Tech",
      policyFingerprint: toolPolicyFingerprint({ policy: "approval_needed", managerApproval: false, definitionHash: "h1", rules: [] }),
      expiresAt: "2026-12-02T10:00:00.000Z",
    };
    const granted = { ...base, policy: "approval_needed" as const, definitionHash: "h1", grants: [grant] };
    expect(explainPolicy(granted).join(" ")).toMatch(
      /Standing grant by Terry Tech until 2026-12-02 10:00 UTC: Helpdesk bot's calls of contoso \/ reset_password .* run at once \(auto by grant grt_9, approved by Terry Tech\)/,
    );
    expect(explainPolicy({ ...granted, managerApproval: true }).join(" ")).toMatch(/no longer applies with this choice/);
    expect(explainPolicy({ ...granted, policy: "auto" }).join(" ")).toMatch(/is not needed with this choice/);
  });
  it("says an automatic call runs at once", () => {
    expect(explainPolicy(base).join(" ")).toMatch(/runs at once/);
  });
  it("says a disabled tool is hidden and refused before any upstream request", () => {
    const text = explainPolicy({ ...base, policy: "disabled" }).join(" ");
    expect(text).toMatch(/does not see contoso \/ reset_password/);
    expect(text).toMatch(/403 tool_disabled/);
  });
  it("describes technician approval, and the manager's part only when switched on", () => {
    const technician = explainPolicy({ ...base, policy: "approval_needed" }).join(" ");
    expect(technician).toMatch(/pending_approval/);
    expect(technician).not.toMatch(/manager/);
    const withManager = explainPolicy({ ...base, policy: "approval_needed", managerApproval: true }).join(" ");
    expect(withManager).toMatch(/Both must approve/);
    expect(withManager).toMatch(/requester_manager_unknown/);
  });
  it("explains that a flagged automatic tool needs approval until confirmed", () => {
    expect(explainPolicy({ ...base, flagged: true }).join(" ")).toMatch(/changed upstream.*needs approval/);
  });
  it("says a paused integration's tools are refused", () => {
    expect(explainPolicy({ ...base, integrationStatus: "paused" }).join(" ")).toMatch(/integration_paused/);
  });

  it("promises only the channels that are set up, and says so when nobody outside the inbox hears of a request", () => {
    const nothing = explainPolicy({
      ...base,
      policy: "approval_needed",
      managerApproval: true,
      reach: { technician: ["inbox"], tickets: [], manager: { email: false, slack: false } },
    }).join(" ");
    expect(nothing).not.toMatch(/Slack DM|ticket/);
    expect(nothing).toMatch(/Nobody is told of the request/);
    expect(nothing).toMatch(/manager_unreachable/);
    const emailOnly = explainPolicy({
      ...base,
      policy: "approval_needed",
      reach: { technician: ["inbox", "email"], tickets: ["jira"], manager: { email: true, slack: false } },
    }).join(" ");
    expect(emailOnly).toMatch(/Technicians get the request by e-mail and in the Approvals inbox/);
    expect(emailOnly).toMatch(/a Jira comment/);
    expect(emailOnly).not.toMatch(/Slack|Nobody is told/);
  });
  it("says what plan mode does to the tool: a read that runs at once stays callable, anything else is refused", () => {
    expect(explainPolicy({ ...base, readOnly: true }).join(" ")).toMatch(/In plan mode .* can still call contoso \/ reset_password/);
    expect(explainPolicy({ ...base, readOnly: false }).join(" ")).toMatch(/In plan mode .* refused \(403 plan_mode\)/);
    expect(explainPolicy({ ...base, readOnly: true, policy: "approval_needed" }).join(" ")).toMatch(/403 plan_mode/);
  });
  it("names each agent's hourly limit on the tool, and the per-minute limits", () => {
    const text = explainPolicy({ ...base, toolLimits: [{ agentName: "Helpdesk agent", callsPerHour: 5 }] }).join(" ");
    expect(text).toMatch(/Helpdesk agent may call it at most 5 times an hour: .*429 rate_limited, with Retry-After/);
    expect(text).toMatch(/calls-per-minute limit/);
    expect(
      explainPolicy({ ...base, policy: "disabled", toolLimits: [{ agentName: "Helpdesk agent", callsPerHour: 5 }] }).join(" "),
    ).not.toMatch(/Helpdesk agent/);
  });

  describe("with rules on arguments", () => {
    const rules: ExplainInput["rules"] = [
      { argument: "group", operator: "one_of", value: ["Marketing"], then: { policy: "auto", managerApproval: false } },
      { argument: "group", operator: "one_of", value: ["Domain Admins"], then: { policy: "disabled", managerApproval: false } },
    ];
    const withRules: ExplainInput = { ...base, policy: "approval_needed", rules };

    it("says which rule applies to sample arguments, or that none does", () => {
      const marketing = explainPolicy({ ...withRules, sampleArguments: { group: "Marketing" } }).join(" ");
      expect(marketing).toContain("With these arguments, rule 1, group is one of [Marketing] applies");
      expect(marketing).toMatch(/runs at once/);
      const admins = explainPolicy({ ...withRules, sampleArguments: { group: "Domain Admins" } }).join(" ");
      expect(admins).toContain("rule 2, group is one of [Domain Admins] applies");
      expect(admins).toMatch(/403 tool_disabled/);
      expect(explainPolicy({ ...withRules, sampleArguments: { group: "Sales" } })[0]).toBe(
        "With these arguments no rule matches, so the tool's own policy applies (approval needed).",
      );
    });

    it("without sample arguments says the outcome depends on them, and explains arguments no rule matches", () => {
      const lines = explainPolicy(withRules);
      expect(lines[0]).toContain("The tool has 2 rules on its arguments, so what happens depends on them");
      expect(lines[1]).toBe("Below: what happens to arguments no rule matches.");
      expect(lines.join(" ")).toMatch(/202 pending_approval/);
      const disabledButEnabled = explainPolicy({ ...withRules, policy: "disabled" });
      expect(disabledButEnabled[1]).toContain("The agent still sees it, because rule 1, group is one of [Marketing] can enable it");
    });
  });
});
