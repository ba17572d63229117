import { createHmac } from "node:crypto";
import { constantTimeEqual } from "../crypto/tokens";

export const SIGNATURE_HEADER = "toolgate-signature";

/**
 * Signs a webhook body as Stripe and Slack do: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
 * under the agent's secret. Receivers recompute it and reject old timestamps (replays).
 */
export function signWebhook(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const signature = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return `t=${timestamp},v1=${signature}`;
}

/** The receiver's side (used in tests and documented for agent authors). */
export function verifyWebhook(
  secret: string,
  body: string,
  header: string,
  toleranceSeconds = 300,
  now = Math.floor(Date.now() / 1000),
): boolean {
  const parts = Object.fromEntries(header.split(",").map((part) => part.split("=", 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || Math.abs(now - timestamp) > toleranceSeconds || !parts.v1) return false;
  return constantTimeEqual(signWebhook(secret, body, timestamp).split("v1=")[1]!, parts.v1);
}
