import { describe, expect, it } from "vitest";
import { TOOL_POLICIES, INTEGRATION_STATUSES } from "@/db/schema";
import { decide, type DecisionInput } from "./decide";

const active: DecisionInput = {
  workspaceAgentsPaused: false,
  agentPaused: false,
  integration: { status: "active" },
  tool: { policy: "auto", managerApproval: false, flagged: false, removed: false },
};

describe("decide", () => {
  it("runs auto tools, asks for approval for approval_needed ones (with the manager when switched on), refuses disabled ones", () => {
    expect(decide(active)).toEqual({ kind: "execute", reason: "policy: auto" });
    expect(decide({ ...active, tool: { ...active.tool!, policy: "approval_needed" } })).toMatchObject({
      kind: "await_approval",
      approvals: ["technician"],
    });
    expect(decide({ ...active, tool: { ...active.tool!, policy: "approval_needed", managerApproval: true } })).toMatchObject({
      kind: "await_approval",
      approvals: ["technician", "manager"],
    });
    expect(decide({ ...active, tool: { ...active.tool!, policy: "disabled" } })).toMatchObject({ kind: "reject", code: "tool_disabled" });
  });

  it("asks for approval for a flagged auto tool, and keeps a flagged disabled tool disabled", () => {
    expect(decide({ ...active, tool: { ...active.tool!, flagged: true } })).toMatchObject({
      kind: "await_approval",
      approvals: ["technician"],
    });
    expect(decide({ ...active, tool: { ...active.tool!, flagged: true, policy: "disabled" } })).toMatchObject({
      kind: "reject",
      code: "tool_disabled",
    });
  });

  it("puts the emergency stop before everything, even unknown tools", () => {
    expect(decide({ ...active, workspaceAgentsPaused: true, integration: null, tool: null })).toMatchObject({
      kind: "reject",
      code: "agent_paused",
    });
    expect(decide({ ...active, agentPaused: true })).toMatchObject({ kind: "reject", code: "agent_paused" });
  });

  it("treats missing, disconnected or removed as unknown, and a paused integration as paused", () => {
    expect(decide({ ...active, integration: null, tool: null })).toMatchObject({ code: "unknown_tool" });
    expect(decide({ ...active, tool: null })).toMatchObject({ code: "unknown_tool" });
    expect(decide({ ...active, tool: { ...active.tool!, removed: true } })).toMatchObject({ code: "unknown_tool" });
    expect(decide({ ...active, integration: { status: "disconnected" } })).toMatchObject({ code: "unknown_tool" });
    expect(decide({ ...active, integration: { status: "paused" } })).toMatchObject({ code: "integration_paused" });
  });

  it("is exhaustive: every combination yields exactly one outcome, and only auto on an active, unflagged tool executes", () => {
    for (const policy of TOOL_POLICIES)
      for (const status of INTEGRATION_STATUSES)
        for (const flagged of [false, true])
          for (const removed of [false, true])
            for (const managerApproval of [false, true])
              for (const agentPaused of [false, true]) {
                const decision = decide({
                  workspaceAgentsPaused: false,
                  agentPaused,
                  integration: { status },
                  tool: { policy, managerApproval, flagged, removed },
                });
                const executes = !agentPaused && status === "active" && !removed && policy === "auto" && !flagged;
                expect(decision.kind === "execute").toBe(executes);
                if (policy === "disabled") expect(decision.kind).toBe("reject");
              }
  });
});
