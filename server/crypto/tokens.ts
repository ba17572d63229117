import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A bearer secret: `bytes` random bytes as base64url, with an optional prefix (`tg_`). */
export function newSecretToken(bytes = 32, prefix = ""): string {
  return prefix + randomBytes(bytes).toString("base64url");
}

/** SHA-256 hex: enough for secrets with 256 random bits (no guessing to slow down). */
export function sha256Hex(value: string | Buffer): string {
  return createHash("sha256").update(value).digest("hex");
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  if (left.length !== right.length) {
    // Compare anyway so the time taken does not depend on where the inputs differ.
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}
