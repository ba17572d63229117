import { REQUESTER_ARGUMENT } from "../gateway/call-hints";

/** The longest grant any workspace may allow, and the default offer on the phone and in Slack. */
export const GRANT_HOURS_CEILING = 24;
export const QUICK_GRANT_HOURS = 1;

/**
 * Why a call's approval cannot also become a standing grant, in words, or null when it can (pure:
 * the approval, the deep-link page and the inbox ask it). Nobody saw the values of write-only
 * arguments, so they cannot be pinned; the manager grants for their report only, so a Manager
 * Approval call needs a requester a ticket verified.
 */
export function grantProblem(input: { hasSecretArguments: boolean; needsManager: boolean; requesterVerified: boolean }): string | null {
  if (input.hasSecretArguments)
    return "This call has write-only (secret) arguments nobody saw, so it cannot be allowed again: approve it once.";
  if (input.needsManager && !input.requesterVerified)
    return "This tool needs the manager's approval and the requester was not verified by a ticket, so it cannot be allowed again: approve it once.";
  return null;
}

/** The arguments a grant may pin or unpin: the call's own, without the reserved requester argument. */
export const grantableArgumentNames = (args: Record<string, unknown>): string[] =>
  Object.keys(args).filter((name) => name !== REQUESTER_ARGUMENT && args[name] !== undefined);
