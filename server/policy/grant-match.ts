import type { ApprovalKind } from "@/db/schema";
import { canonicalJson } from "../crypto/canonical";
import { REQUESTER_ARGUMENT } from "../gateway/requester-argument";

/** An active standing grant on the called tool for the calling agent, as the gateway's one read returns it. */
export type GrantCandidate = {
  id: string;
  pinnedArguments: Record<string, unknown>;
  unpinnedArguments: string[];
  /** Pinned requester (verified by a ticket when granted); null: any requester. */
  requesterEmail: string | null;
  approvals: ApprovalKind[];
  approvedBy: string;
  policyFingerprint: string;
};

/** What a new call brings to the grant rung: its arguments and who it is for. */
export type GrantedCallFacts = {
  arguments: Record<string, unknown>;
  /** The call's requester, and whether a ticket confirmed them (only a verified requester matches a pinned one). */
  requester: { email: string; verifiedByTicket: boolean } | null;
};

/**
 * Whether one grant covers a new call (pure; only the decision calls it). Never wider than what
 * the approvers saw: the tool's policy fingerprint must be the one granted under; the grant must
 * hold every approval the call needs now; every pinned argument equal in canonical JSON; no
 * argument the approvers did not see; and, where the grant pins a requester, the same requester
 * verified by a ticket. A grant that covers the manager's approval must pin the requester (the
 * manager granted for their report, nobody else). The reserved requester argument is not an argument.
 */
export function grantCovers(grant: GrantCandidate, call: GrantedCallFacts, needed: readonly ApprovalKind[], fingerprint: string): boolean {
  if (grant.policyFingerprint !== fingerprint) return false;
  if (!needed.every((kind) => grant.approvals.includes(kind))) return false;
  if (needed.includes("manager") && !grant.requesterEmail) return false;
  if (grant.requesterEmail) {
    if (!call.requester?.verifiedByTicket) return false;
    if (call.requester.email.toLowerCase() !== grant.requesterEmail.toLowerCase()) return false;
  }
  const args = Object.entries(call.arguments).filter(([name, value]) => name !== REQUESTER_ARGUMENT && value !== undefined);
  const present = new Set(args.map(([name]) => name));
  for (const [name, pinned] of Object.entries(grant.pinnedArguments)) {
    if (name === REQUESTER_ARGUMENT) continue;
    if (!present.has(name) || canonicalJson(call.arguments[name]) !== canonicalJson(pinned)) return false;
  }
  return args.every(([name]) => Object.hasOwn(grant.pinnedArguments, name) || grant.unpinnedArguments.includes(name));
}
