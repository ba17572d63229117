import { ServiceError } from "../errors";

export const MAX_DEPTH = 64;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Depth, NUL and surrogate checks over the parsed value, iteratively (no stack to exhaust). */
export function assertStorable(root: unknown): void {
  const stack: Array<[unknown, number, string]> = [[root, 1, "$"]];
  while (stack.length) {
    const [value, depth, path] = stack.pop()!;
    if (typeof value === "string") {
      if (value.includes("\u0000")) throw new ServiceError("invalid_json", `${path} contains a NUL character, which cannot be stored.`);
      if (LONE_SURROGATE.test(value))
        throw new ServiceError("invalid_json", `${path} contains an unpaired UTF-16 surrogate (invalid Unicode).`);
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (depth > MAX_DEPTH)
      throw new ServiceError("invalid_json", `The JSON is nested deeper than ${MAX_DEPTH} levels (at ${path.slice(0, 80)}…).`);
    if (Array.isArray(value)) {
      value.forEach((item, index) => stack.push([item, depth + 1, `${path}[${index}]`]));
    } else {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes("\u0000") || LONE_SURROGATE.test(key))
          throw new ServiceError("invalid_json", `${path} has a key that cannot be stored (NUL or invalid Unicode).`);
        stack.push([item, depth + 1, `${path}.${key.slice(0, 40)}`]);
      }
    }
  }
}

/** A string PostgreSQL can store in text and jsonb: NUL and unpaired surrogates become U+FFFD. */
function storableString(value: string): string {
  return value.replace(/\u0000/g, "\uFFFD").replace(LONE_SURROGATES, "\uFFFD");
}

/**
 * What an upstream returned, in a form PostgreSQL's jsonb always accepts: strings (and keys) with
 * NUL or unpaired surrogates get U+FFFD in their place, and whether anything was replaced is said,
 * so recording a call never depends on what the upstream sent. Values nested deeper than the
 * JSON limit are kept as text (which also bounds the recursion).
 */
export function sanitizeForStorage(root: unknown): { value: unknown; replaced: boolean } {
  let replaced = false;
  const clean = (value: unknown, depth: number): unknown => {
    if (typeof value === "string") {
      const next = storableString(value);
      if (next !== value) replaced = true;
      return next;
    }
    if (value === null || typeof value !== "object") return value;
    if (depth > MAX_DEPTH) {
      replaced = true;
      return storableString(JSON.stringify(value));
    }
    if (Array.isArray(value)) return value.map((item) => clean(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const cleanKey = storableString(key);
      if (cleanKey !== key) replaced = true;
      out[cleanKey] = clean(item, depth + 1);
    }
    return out;
  };
  const value = clean(root, 1);
  return { value, replaced };
}

/** Text PostgreSQL can store (an upstream's error message, say). */
export const storableText = (value: string): string => storableString(value);
