import type { ToolPolicy } from "@/db/schema";

/** A tool's policy in a test world: the policy alone (no manager approval), or both. */
export type PolicyChoice = ToolPolicy | { policy: ToolPolicy; managerApproval: boolean };

/**
 * Policies by tool name, e.g. `{ get_user: "auto", reset_password: { policy: "approval_needed",
 * managerApproval: true } }`. The key `"*"` stands for every tool not named.
 */
export type WorldPolicies = Record<string, PolicyChoice>;

/** The `policies.save` changes that set `policies` on an integration's tools; a name it does not have throws. */
export function policyChanges(
  tools: ReadonlyArray<{ id: string; name: string }>,
  policies: WorldPolicies,
): Array<{ toolId: string; policy: ToolPolicy; managerApproval: boolean }> {
  const named = Object.keys(policies).filter((name) => name !== "*");
  for (const name of named)
    if (!tools.some((tool) => tool.name === name)) throw new Error(`no tool "${name}" among ${tools.map((tool) => tool.name).join(", ")}`);
  const every = policies["*"];
  return tools.flatMap((tool) => {
    const choice = policies[tool.name] ?? every;
    if (!choice) return [];
    return [typeof choice === "string" ? { toolId: tool.id, policy: choice, managerApproval: false } : { toolId: tool.id, ...choice }];
  });
}
