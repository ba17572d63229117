import { randomBytes } from "node:crypto";
import { sha256Hex } from "../crypto/tokens";

/** `tg_` + 32 random bytes as base64url (43 characters): 256 bits, so a fast hash is enough. */
export function newAgentKey(): { key: string; prefix: string; hash: string } {
  const key = `tg_${randomBytes(32).toString("base64url")}`;
  return { key, prefix: key.slice(0, 11), hash: sha256Hex(key) };
}

export const AGENT_KEY_PATTERN = /^tg_[A-Za-z0-9_-]{43}$/;

/** The hash a presented key is looked up by; a malformed key hashes to something that matches nothing. */
export function agentKeyHash(presented: string): string {
  return sha256Hex(presented);
}
