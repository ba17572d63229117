import type { IntegrationKind, IntegrationStatus, ToolPolicy } from "@/db/schema";

export const KIND_LABELS: Record<IntegrationKind, string> = {
  mcp: "MCP server",
  slack: "Slack",
  demo_directory: "Demo directory",
  jira: "Jira",
  connectwise: "ConnectWise Manage",
};

export const STATUS_LABELS: Record<IntegrationStatus, string> = { active: "Active", paused: "Paused", disconnected: "Disconnected" };

/** Plain labels for the policies, as admins read them. */
export const POLICY_LABELS: Record<ToolPolicy, string> = {
  auto: "Runs automatically",
  approval_needed: "Needs technician approval",
  disabled: "Disabled — hidden from the agent",
};

export const POLICY_SHORT_LABELS: Record<ToolPolicy, string> = { auto: "Automatic", approval_needed: "Approval", disabled: "Disabled" };
