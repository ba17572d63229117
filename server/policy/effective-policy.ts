import type { IntegrationStatus, ToolPolicy } from "@/db/schema";

export type EffectivePolicyInput = {
  policy: ToolPolicy;
  flaggedAt: Date | null;
  removedAt: Date | null;
  integrationStatus: IntegrationStatus;
};

/** What agents get: a policy, or "hidden" (removed upstream, or the integration is not active). */
export type EffectivePolicy = ToolPolicy | "hidden";

/**
 * The policy that applies now. A tool whose definition changed upstream (flagged by a re-sync)
 * needs approval whatever its stored policy says, until an admin confirms the new definition;
 * the stored choice is kept and applies again afterwards. `disabled` always stays disabled.
 */
export function effectivePolicy(tool: EffectivePolicyInput): EffectivePolicy {
  if (tool.removedAt || tool.integrationStatus !== "active") return "hidden";
  if (tool.flaggedAt && tool.policy === "auto") return "approval_needed";
  return tool.policy;
}
