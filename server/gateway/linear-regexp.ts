import type { CodeOptions } from "ajv";
import { RE2JS } from "re2js";

/**
 * Regular expressions from upstream tools' input schemas, compiled by RE2 (re2js, pure JS), whose
 * matching time is linear in the input. JavaScript's own RegExp backtracks: a connected server
 * whose schema says `"pattern": "^(a+)+$"` could stall the whole process with a 30-character
 * argument, and every tenant's calls with it.
 */

export type LinearPattern = { test(input: string): boolean; toString(): string };

/** A pattern RE2 cannot run in linear time (lookaround, backreferences) or that is not a valid pattern. */
export class UnsupportedPatternError extends Error {
  override readonly name = "UnsupportedPatternError";
  constructor(
    readonly pattern: string,
    readonly why: string,
  ) {
    super(`the pattern ${JSON.stringify(pattern.length > 80 ? `${pattern.slice(0, 80)}…` : pattern)} ${why}`);
  }
}

/**
 * Escapes JSON Schema patterns (ECMA-262 in Unicode mode, which is how ajv compiles them) allow.
 * RE2 knows these too; translateRegExp rewrites `\u…` and `\c…`. Any other letter or digit after a
 * backslash is a backreference (`\1`, `\k<name>`) or RE2-only syntax (`\A`, `\z`, `\Q`): refused,
 * because the translation would silently drop the backslash and change what the pattern means.
 */
const ALLOWED_LETTER_ESCAPES = new Set([..."dDwWsSbBnrtfv0cxupP"]);

function refuseUnsupportedEscapes(pattern: string): void {
  for (let index = 0; index < pattern.length; index++) {
    if (pattern[index] !== "\\") continue;
    const next = pattern[index + 1] ?? "";
    if (/^[A-Za-z0-9]$/.test(next) && !ALLOWED_LETTER_ESCAPES.has(next)) {
      throw new UnsupportedPatternError(
        pattern,
        next === "k" || /[1-9]/.test(next)
          ? "uses a backreference, which cannot be matched in linear time"
          : `uses the escape \\${next}, which JSON Schema patterns do not define`,
      );
    }
    index++;
  }
}

const compiledPatterns = new Map<string, LinearPattern>();
const MAX_CACHED_PATTERNS = 10_000;

/**
 * Compiles a JSON Schema pattern for RE2. Throws UnsupportedPatternError for lookahead, lookbehind,
 * backreferences and anything else RE2 refuses — callers fail closed on it. Matching is unanchored,
 * as with RegExp.prototype.test (JSON Schema patterns are not implicitly anchored).
 */
export function compileLinearPattern(pattern: string): LinearPattern {
  const cached = compiledPatterns.get(pattern);
  if (cached) return cached;
  refuseUnsupportedEscapes(pattern);
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(RE2JS.translateRegExp(pattern));
  } catch (error) {
    const detail = error instanceof Error ? error.message.replace(/^error parsing regexp: /, "") : String(error);
    throw new UnsupportedPatternError(
      pattern,
      /\(\?[=!]|\(\?<[=!]/.test(pattern)
        ? "uses lookahead or lookbehind, which cannot be matched in linear time"
        : `cannot be compiled by the linear-time engine (${detail.slice(0, 120)})`,
    );
  }
  // ajv keys its compiled patterns by toString(): "[object Object]" would make every pattern of
  // an Ajv instance share the first one compiled.
  const linear: LinearPattern = { test: (input) => compiled.test(input), toString: () => `re2:${pattern}` };
  if (compiledPatterns.size >= MAX_CACHED_PATTERNS) compiledPatterns.delete(compiledPatterns.keys().next().value!);
  compiledPatterns.set(pattern, linear);
  return linear;
}

type RegExpEngine = NonNullable<CodeOptions["regExp"]>;

/**
 * ajv's `code.regExp` engine: every `pattern`, `patternProperties` key and `propertyNames` pattern
 * ajv compiles goes through it. ajv passes the "u" flag (unicodeRegExp); RE2 always matches
 * Unicode code points, so it is not needed.
 */
export const linearRegExpEngine: RegExpEngine = Object.assign((pattern: string) => compileLinearPattern(pattern), {
  code: "linearRegExpEngine",
});

/** Keywords whose values are data, not schemas: a `pattern` inside them is not a pattern. */
const DATA_KEYWORDS = new Set(["enum", "const", "default", "examples", "example"]);
/** Keywords whose values map names to schemas: their keys are names, not keywords. */
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies"]);

/**
 * The first pattern in a JSON Schema that RE2 refuses (`pattern` values and `patternProperties`
 * keys, at any depth, including under `propertyNames`), or null. A cheap walk with no schema
 * compilation, so seeding thousands of tools stays fast; calls compile the schema itself and refuse
 * the same patterns.
 */
export function findUnsupportedPattern(schema: unknown): UnsupportedPatternError | null {
  // [node, true when the node maps names to schemas rather than being a schema itself]
  const stack: Array<[unknown, boolean]> = [[schema, false]];
  let visited = 0;
  while (stack.length && visited++ < 100_000) {
    const [node, isMap] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (Array.isArray(node)) {
      for (const item of node) stack.push([item, false]);
      continue;
    }
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      if (isMap) {
        stack.push([value, false]);
        continue;
      }
      if (DATA_KEYWORDS.has(key)) continue;
      const patterns =
        key === "pattern" && typeof value === "string"
          ? [value]
          : key === "patternProperties" && value !== null && typeof value === "object"
            ? Object.keys(value)
            : [];
      for (const pattern of patterns) {
        try {
          compileLinearPattern(pattern);
        } catch (error) {
          if (error instanceof UnsupportedPatternError) return error;
          throw error;
        }
      }
      stack.push([value, SCHEMA_MAPS.has(key)]);
    }
  }
  return null;
}
