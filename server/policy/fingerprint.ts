import { canonicalJson } from "../crypto/canonical";

/** What of a tool a standing grant was given under: its policy, its rules on arguments, its definition. */
export type FingerprintedTool = { policy: string; managerApproval: boolean; definitionHash: string; rules: readonly unknown[] };

/**
 * The one fingerprint of a tool's policy, Manager Approval switch, rules and definition: stored on a
 * standing grant when it is given and compared by the decision at every call, so any change to
 * what the approvers relied on voids the grant at once. Pure.
 */
export function toolPolicyFingerprint(tool: FingerprintedTool): string {
  // The canonical form itself, not a digest of it: the decision computes it in the browser too (the explanation).
  return canonicalJson({
    policy: tool.policy,
    managerApproval: tool.managerApproval,
    definitionHash: tool.definitionHash,
    rules: tool.rules,
  });
}
