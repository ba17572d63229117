import { describe, expect, it } from "vitest";
import { explainPolicy, type ExplainInput } from "./explain";

const base: ExplainInput = {
  toolName: "reset_password",
  policy: "auto",
  managerApproval: false,
  flagged: false,
  integrationStatus: "active",
  integrationSlug: "contoso",
};

describe("explainPolicy", () => {
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
});
