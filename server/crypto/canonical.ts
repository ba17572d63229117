// Pure (no Node.js APIs): also bundled for the browser, where the policy explanation decides.
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
