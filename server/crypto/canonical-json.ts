import { sha256Hex } from "./tokens";

/**
 * JSON with object keys sorted at every level, so the same content always gives the same bytes:
 * the basis of every digest (arguments, requests, results, tool definitions) and of the audit chain.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
}

/** SHA-256 (hex) of a JSON value's canonical form: a call's arguments, a request body, a result. */
export function argumentsDigest(value: unknown): string {
  return sha256Hex(canonicalJson(value ?? null));
}
