import { describe, expect, it } from "vitest";
import { runInWorkerThread } from "@/test/worker/run-in-worker";
import { compileLinearPattern, findUnsupportedPattern, UnsupportedPatternError } from "./linear-regexp";
import { schemaUnsupportedMessage, validateArguments } from "./validate-arguments";

let hashes = 0;
const hash = () => `test-${++hashes}`;
/** 30 a's and a mismatch: minutes for a backtracking engine on any of the patterns below. */
const EVIL = `${"a".repeat(30)}!`;

describe("schema patterns run on a linear-time engine", () => {
  it.each([
    ["pattern", { type: "object", properties: { code: { type: "string", pattern: "^(a+)+$" } } }, { code: EVIL }, "/code"],
    ["patternProperties", { type: "object", patternProperties: { "^(a|aa)+$": { type: "number" } } }, { [EVIL.slice(0, -1)]: "x" }, ""],
    ["propertyNames", { type: "object", propertyNames: { pattern: "^(a*)*$" } }, { [EVIL]: 1 }, ""],
    [
      "2020-12 pattern",
      { $schema: "https://json-schema.org/draft/2020-12/schema", properties: { c: { pattern: "^(\\w+\\s?)*$" } } },
      { c: EVIL },
      "/c",
    ],
  ])("%s: a catastrophic pattern is checked, and refuses what it does not match", (_, schema, args, path) => {
    const errors = validateArguments(hash(), schema, args);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]!.path.startsWith(path || "/")).toBe(true);
  });

  it.each([
    ["^\\d{3}-\\d{4}$", "555-1234", "555-12345"],
    ["^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$", "ann@example.test", "ann@"],
    ["caf\\u00e9", "un café", "cafe"],
    ["^(?<year>\\d{4})-\\d{2}$", "2026-11", "26-11"],
    ["^\\p{Lu}", "Élan", "élan"],
    ["[^]", "x", ""],
    ["ab", "xxabyy", "ba"],
  ])("%s keeps its meaning (matches %j, not %j)", (pattern, matching, other) => {
    const schema = { type: "object", properties: { v: { type: "string", pattern } } };
    expect(validateArguments(hash(), schema, { v: matching })).toEqual([]);
    expect(validateArguments(hash(), schema, { v: other })).toEqual([{ path: "/v", message: `must match pattern "${pattern}"` }]);
  });

  it("every pattern keeps its own meaning, in one schema and across schemas", () => {
    const schema = {
      type: "object",
      properties: { a: { pattern: "^a+$" }, b: { pattern: "^b+$" } },
      patternProperties: { "^x": { pattern: "^x+$" } },
    };
    expect(validateArguments(hash(), schema, { a: "aa", b: "bb", xy: "xx" })).toEqual([]);
    expect(validateArguments(hash(), schema, { a: "bb", b: "aa", xy: "yy" }).map((error) => error.path)).toEqual(["/a", "/b", "/xy"]);
    expect(validateArguments(hash(), { properties: { a: { pattern: "^c+$" } } }, { a: "cc" })).toEqual([]);
  });
});

describe("patterns the linear-time engine refuses fail closed", () => {
  it.each([
    ["^(?=.*[A-Z]).{8,}$", /lookahead or lookbehind/],
    ["(?!admin)", /lookahead or lookbehind/],
    ["(?<=x)y", /lookahead or lookbehind/],
    ["(?<!x)y", /lookahead or lookbehind/],
    ["^(x)\\1$", /backreference/],
    ["^(?<a>x)\\k<a>$", /backreference/],
    ["\\Aabc", /escape \\A/],
    ["(unclosed", /cannot be compiled by the linear-time engine/],
  ])("%s is refused (%s)", (pattern, why) => {
    expect(() => compileLinearPattern(pattern)).toThrow(UnsupportedPatternError);
    expect(() => compileLinearPattern(pattern)).toThrow(why);
    const schema = { type: "object", properties: { v: { type: "string", pattern } } };
    const message = schemaUnsupportedMessage(hash(), schema, "list_logins");
    expect(message).toMatch(/^list_logins's input schema cannot be checked: the pattern /);
    expect(message).toMatch(why);
    expect(message).toContain("nothing was sent upstream");
    expect(findUnsupportedPattern(schema)?.pattern).toBe(pattern);
  });

  it("says nothing about a schema it can check", () => {
    expect(schemaUnsupportedMessage(hash(), { type: "object", properties: { v: { pattern: "^a+$" } } }, "t")).toBeNull();
  });

  it("refuses a schema that does not compile at all, in words", () => {
    expect(schemaUnsupportedMessage(hash(), { type: "object", properties: { v: { type: "no-such-type" } } }, "t")).toMatch(
      /^t's input schema cannot be checked: it does not compile \(/,
    );
  });

  it("finds refused patterns at any depth of the schema, and only in patterns", () => {
    expect(findUnsupportedPattern({ items: { anyOf: [{}, { pattern: "(?=x)" }] } })?.pattern).toBe("(?=x)");
    expect(findUnsupportedPattern({ properties: { a: { patternProperties: { "(a)\\1": {} } } } })?.pattern).toBe("(a)\\1");
    expect(findUnsupportedPattern({ $defs: { d: { propertyNames: { pattern: "(?!y)" } } } })?.pattern).toBe("(?!y)");
    // A property named "pattern", or "enum", is a name, not a keyword; data keywords hold no patterns.
    expect(findUnsupportedPattern({ properties: { pattern: { type: "string" }, enum: { pattern: "(?=z)" } } })?.pattern).toBe("(?=z)");
    expect(
      findUnsupportedPattern({ properties: { p: { type: "object", default: { pattern: "(?=x)" }, enum: [{ pattern: "(?=x)" }] } } }),
    ).toBeNull();
    expect(findUnsupportedPattern({ properties: { v: { pattern: "^(a+)+$" } } })).toBeNull();
  });
});

describe("uniqueItems runs in linear time", () => {
  it("200,000 distinct items are checked without comparing every pair, and a duplicate is still found", async () => {
    const answer = await runInWorkerThread<{ distinct: unknown[]; duplicated: Array<{ path: string; message: string }> }>(
      new URL("./validate-arguments.worker.ts", import.meta.url),
      { items: 200_000 },
      { timeoutMs: 30_000, stalledMessage: "uniqueItems compared every pair of 200,000 items" },
    );
    expect(answer.distinct).toEqual([]);
    expect(answer.duplicated).toEqual([
      { path: "/list", message: "must NOT have duplicate items (items ## 199999 and 200000 are identical)" },
    ]);
  }, 40_000);

  it.each([
    [[1, 2, 3], true],
    [[1, 2, 1], false],
    [
      [
        { a: 1, b: 2 },
        { b: 2, a: 1 },
      ],
      false,
    ],
    [
      [
        [1, [2]],
        [1, [2]],
      ],
      false,
    ],
    [[1, "1", true, null, { a: 1 }, [1]], true],
    [[1, 1.0], false],
    [[{ a: 1 }, { a: 2 }], true],
  ])("%j is %s", (list, unique) => {
    const errors = validateArguments(hash(), { type: "object", properties: { list: { uniqueItems: true } } }, { list });
    expect(errors.length === 0).toBe(unique);
  });
});
