import type { ApprovalKind, IntegrationStatus, ToolPolicy } from "@/db/schema";
import { assertNever } from "../errors";

export type DecisionInput = {
  workspaceAgentsPaused: boolean;
  agentPaused: boolean;
  /** Null when no integration by that slug exists for this agent (another client's counts as none). */
  integration: { status: IntegrationStatus } | null;
  /** Null when the integration has no tool by that name. */
  tool: { policy: ToolPolicy; managerApproval: boolean; flagged: boolean; removed: boolean } | null;
};

export type RejectCode = "agent_paused" | "unknown_tool" | "integration_paused" | "tool_disabled";

export type Decision =
  | { kind: "reject"; code: RejectCode; reason: string }
  | { kind: "execute"; reason: string }
  | { kind: "await_approval"; approvals: ApprovalKind[]; reason: string };

/**
 * The gateway's decision, a pure function of the stored state: exhaustive over the policies, and
 * anything it cannot evaluate denies. The emergency stop comes first, so a paused agent learns
 * nothing about what exists.
 */
export function decide(input: DecisionInput): Decision {
  if (input.workspaceAgentsPaused) return { kind: "reject", code: "agent_paused", reason: "all agents of the workspace are paused" };
  if (input.agentPaused) return { kind: "reject", code: "agent_paused", reason: "this agent is paused" };
  const { integration, tool } = input;
  if (!integration || integration.status === "disconnected")
    return { kind: "reject", code: "unknown_tool", reason: "no such integration for this agent" };
  if (integration.status === "paused") return { kind: "reject", code: "integration_paused", reason: "the integration is paused" };
  if (integration.status !== "active") return { kind: "reject", code: "unknown_tool", reason: "the integration cannot be used" };
  if (!tool || tool.removed) return { kind: "reject", code: "unknown_tool", reason: "no such tool" };
  switch (tool.policy) {
    case "disabled":
      return { kind: "reject", code: "tool_disabled", reason: "policy: disabled" };
    case "auto":
      if (tool.flagged)
        return {
          kind: "await_approval",
          approvals: ["technician"],
          reason: "policy: auto, but the tool's definition changed upstream and is not yet confirmed",
        };
      return { kind: "execute", reason: "policy: auto" };
    case "approval_needed":
      return tool.managerApproval
        ? { kind: "await_approval", approvals: ["technician", "manager"], reason: "policy: approval_needed with manager approval" }
        : { kind: "await_approval", approvals: ["technician"], reason: "policy: approval_needed" };
    default:
      return assertNever(tool.policy);
  }
}
