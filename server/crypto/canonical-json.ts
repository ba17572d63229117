import { canonicalJson } from "./canonical";
import { sha256Hex } from "./tokens";

export { canonicalJson };

/** SHA-256 (hex) of a JSON value's canonical form: a call's arguments, a request body, a result. */
export function argumentsDigest(value: unknown): string {
  return sha256Hex(canonicalJson(value ?? null));
}
