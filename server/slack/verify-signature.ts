import { createHmac } from "node:crypto";
import { constantTimeEqual } from "../crypto/tokens";

export const MAX_SKEW_SECONDS = 5 * 60;

/**
 * Slack's request signing: `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` under the app's
 * signing secret, compared in constant time; a timestamp more than five minutes away (past or
 * future) is refused, so a captured request cannot be replayed later.
 */
export function verifySlackSignature(input: {
  signingSecret: string;
  timestamp: string | null;
  signature: string | null;
  rawBody: string;
  now?: number;
}): boolean {
  if (!input.timestamp || !input.signature || !/^\d{1,12}$/.test(input.timestamp)) return false;
  const now = input.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(input.timestamp)) > MAX_SKEW_SECONDS) return false;
  const expected = `v0=${createHmac("sha256", input.signingSecret).update(`v0:${input.timestamp}:${input.rawBody}`).digest("hex")}`;
  return constantTimeEqual(expected, input.signature);
}

export function signSlackRequest(
  signingSecret: string,
  rawBody: string,
  timestamp = Math.floor(Date.now() / 1000),
): { timestamp: string; signature: string } {
  return {
    timestamp: String(timestamp),
    signature: `v0=${createHmac("sha256", signingSecret).update(`v0:${timestamp}:${rawBody}`).digest("hex")}`,
  };
}
