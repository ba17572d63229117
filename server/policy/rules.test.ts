import { describe, expect, it } from "vitest";
import {
  argumentAt,
  compileGlob,
  conditionText,
  decidingRuleWords,
  ruleMatches,
  rulesFromStorage,
  ruleText,
  strictestMatch,
  validateRules,
  type PolicyRule,
  type RuleOutcome,
} from "./rules";

const AUTO: RuleOutcome = { policy: "auto", managerApproval: false };
const APPROVAL: RuleOutcome = { policy: "approval_needed", managerApproval: false };
const WITH_MANAGER: RuleOutcome = { policy: "approval_needed", managerApproval: true };
const DISABLED: RuleOutcome = { policy: "disabled", managerApproval: false };

const rule = (argument: string, operator: PolicyRule["operator"], value: PolicyRule["value"], then: RuleOutcome): PolicyRule => ({
  argument,
  operator,
  ...(value === undefined ? {} : { value }),
  then,
});

/** add_user_to_group as the demo directory declares it: closed, both arguments required strings. */
const closedSchema = {
  type: "object",
  properties: {
    user: { type: "string" },
    group: { type: "string" },
    days: { type: "integer" },
    ratio: { type: "number" },
    notify: { type: "boolean" },
    level: { type: "string", enum: ["low", "high"] },
    password: { type: "string", format: "password" },
    owner: {
      type: "object",
      properties: { department: { type: "string" } },
      required: ["department"],
      additionalProperties: false,
    },
  },
  required: ["user", "group", "owner"],
  additionalProperties: false,
};

describe("rule matching", () => {
  it("compares each operator against the argument's value", () => {
    const args = { group: "Marketing", days: 7, ratio: 0.5, notify: true, owner: { department: "Sales" } };
    expect(ruleMatches(rule("group", "equals", "Marketing", DISABLED), args, AUTO)).toBe(true);
    expect(ruleMatches(rule("group", "equals", "marketing", DISABLED), args, AUTO)).toBe(false);
    expect(ruleMatches(rule("group", "one_of", ["Sales", "Marketing"], DISABLED), args, AUTO)).toBe(true);
    expect(ruleMatches(rule("group", "not_one_of", ["Sales", "Marketing"], DISABLED), args, AUTO)).toBe(false);
    expect(ruleMatches(rule("group", "not_one_of", ["Domain Admins"], DISABLED), args, AUTO)).toBe(true);
    expect(ruleMatches(rule("group", "matches", "Mark*", DISABLED), args, AUTO)).toBe(true);
    expect(ruleMatches(rule("group", "matches", "*admins", DISABLED), args, AUTO)).toBe(false);
    expect(ruleMatches(rule("days", "at_most", 7, DISABLED), args, AUTO)).toBe(true);
    expect(ruleMatches(rule("days", "at_least", 8, DISABLED), args, AUTO)).toBe(false);
    expect(ruleMatches(rule("notify", "equals", true, DISABLED), args, AUTO)).toBe(true);
    expect(ruleMatches(rule("owner.department", "equals", "Sales", DISABLED), args, AUTO)).toBe(true);
    expect(ruleMatches(rule("notify", "is_present", undefined, DISABLED), args, AUTO)).toBe(true);
    expect(ruleMatches(rule("level", "is_present", undefined, DISABLED), args, AUTO)).toBe(false);
  });

  it("lets an absent or mistyped value match every tightening rule and no loosening rule", () => {
    const absent = {};
    const mistyped = { group: ["Marketing"], days: "7" };
    // Tightening (stricter than the tool's own auto): matches when it cannot read the value.
    expect(ruleMatches(rule("group", "not_one_of", ["Marketing"], APPROVAL), absent, AUTO)).toBe(true);
    expect(ruleMatches(rule("group", "equals", "Marketing", APPROVAL), mistyped, AUTO)).toBe(true);
    expect(ruleMatches(rule("days", "at_most", 10, DISABLED), mistyped, AUTO)).toBe(true);
    // Loosening (less strict than the tool's own approval): never matches what it cannot read.
    expect(ruleMatches(rule("group", "equals", "Marketing", AUTO), absent, APPROVAL)).toBe(false);
    expect(ruleMatches(rule("group", "one_of", ["Marketing"], AUTO), mistyped, APPROVAL)).toBe(false);
    // A rule as strict as the tool's own policy counts as tightening.
    expect(ruleMatches(rule("group", "equals", "x", APPROVAL), absent, APPROVAL)).toBe(true);
    // null is a value of no rule's type.
    expect(ruleMatches(rule("group", "equals", "x", AUTO), { group: null }, APPROVAL)).toBe(false);
  });

  it("picks the strictest matching rule, not the first", () => {
    const rules = [
      rule("group", "one_of", ["Marketing", "Domain Admins"], AUTO),
      rule("group", "equals", "Domain Admins", WITH_MANAGER),
      rule("group", "matches", "Domain*", APPROVAL),
    ];
    expect(strictestMatch(rules, { group: "Domain Admins" }, APPROVAL)).toMatchObject({ index: 1 });
    expect(strictestMatch(rules, { group: "Marketing" }, APPROVAL)).toMatchObject({ index: 0 });
    expect(strictestMatch(rules, { group: "Sales" }, APPROVAL)).toBeNull();
  });

  it("reads nested paths, and nothing through arrays or inherited properties", () => {
    expect(argumentAt({ a: { b: 1 } }, "a.b")).toBe(1);
    expect(argumentAt({ a: [{ b: 1 }] }, "a.0.b")).toBeUndefined();
    expect(argumentAt({}, "toString")).toBeUndefined();
  });

  it("says the rule in words", () => {
    const domainAdmins = rule("group", "one_of", ["Domain Admins"], APPROVAL);
    expect(ruleText(domainAdmins, 1)).toBe("rule 2, group is one of [Domain Admins]");
    expect(conditionText(rule("days", "at_most", 7, APPROVAL))).toBe("days is at most 7");
    expect(conditionText(rule("group", "is_present", undefined, APPROVAL))).toBe("group is present");
    expect(decidingRuleWords({ index: 2, text: ruleText(domainAdmins, 1), then: APPROVAL })).toBe(
      "approval needed: rule 2, group is one of [Domain Admins]",
    );
  });
});

describe("compileGlob", () => {
  it("matches * and ? over the whole text", () => {
    expect(compileGlob("a*b?d")("axxbcd")).toBe(true);
    expect(compileGlob("a*b?d")("abd")).toBe(false);
    expect(compileGlob("*")("")).toBe(true);
    expect(compileGlob("")("")).toBe(true);
    expect(compileGlob("")("a")).toBe(false);
    expect(compileGlob("a*a*a")("aaa")).toBe(true);
    expect(compileGlob("a*a*a")("aa")).toBe(false);
    expect(compileGlob("*.example.com")("mail.example.com")).toBe(true);
    expect(compileGlob("*.example.com")("example.com")).toBe(false);
    expect(compileGlob("?é*")("xé")).toBe(true);
  });

  it("answers on long inputs with many stars (pieces matched left to right, never backtracking)", () => {
    const matcher = compileGlob(`${"a*".repeat(30)}b`);
    expect(matcher(`${"a".repeat(20_000)}b`)).toBe(true);
    expect(matcher(`${"a".repeat(20_000)}c`)).toBe(false);
    expect(compileGlob("*ab*ab*ab*ac")(`${"ab".repeat(10_000)}`)).toBe(false);
  });
});

describe("validateRules", () => {
  it("accepts rules that fit the schema", () => {
    const rules = [
      rule("group", "one_of", ["Marketing"], AUTO),
      rule("group", "matches", "Domain*", WITH_MANAGER),
      rule("days", "at_least", 30, DISABLED),
      rule("level", "equals", "high", APPROVAL),
      rule("owner.department", "equals", "Sales", AUTO),
      rule("notify", "is_present", undefined, DISABLED),
    ];
    expect(validateRules(rules, closedSchema, APPROVAL)).toEqual([]);
  });

  it("refuses an argument the schema lacks, and a value of the wrong type, with the reason", () => {
    expect(validateRules([rule("grp", "equals", "x", DISABLED)], closedSchema, AUTO)).toEqual([
      'Rule 1 (grp equals x): the tool\'s input schema has no argument "grp".',
    ]);
    expect(validateRules([rule("days", "equals", "seven", DISABLED)], closedSchema, AUTO)[0]).toContain(
      '"seven" is not a value of the argument\'s type (integer)',
    );
    expect(validateRules([rule("days", "at_most", 1.5, DISABLED)], closedSchema, AUTO)).toEqual([]);
    expect(validateRules([rule("days", "equals", 1.5, DISABLED)], closedSchema, AUTO)[0]).toContain("not a value of the argument's type");
    expect(validateRules([rule("group", "at_most", 3, DISABLED)], closedSchema, AUTO)[0]).toContain('"is at most" compares numbers');
    expect(validateRules([rule("days", "matches", "1*", DISABLED)], closedSchema, AUTO)[0]).toContain('"matches" compares text');
    expect(validateRules([rule("level", "one_of", ["medium"], DISABLED)], closedSchema, AUTO)[0]).toContain(
      "not one of the argument's allowed values",
    );
    expect(validateRules([rule("group", "one_of", [], DISABLED)], closedSchema, AUTO)[0]).toContain("a list of at least one value");
    expect(validateRules([rule("group", "is_present", "x", DISABLED)], closedSchema, AUTO)[0]).toContain("takes no value");
    expect(validateRules([rule("password", "is_present", undefined, DISABLED)], closedSchema, AUTO)[0]).toContain("secret");
    expect(validateRules([rule("group", "equals", "x", { policy: "auto", managerApproval: true })], closedSchema, APPROVAL)[0]).toContain(
      "Manager Approval",
    );
  });

  it("lets a loosening rule use only equals / one of, on a required scalar argument of a closed schema", () => {
    expect(validateRules([rule("group", "not_one_of", ["Domain Admins"], AUTO)], closedSchema, APPROVAL)[0]).toContain(
      'only "equals" or "is one of"',
    );
    expect(validateRules([rule("group", "matches", "Mark*", AUTO)], closedSchema, APPROVAL)[0]).toContain('only "equals" or "is one of"');
    expect(validateRules([rule("days", "equals", 1, AUTO)], closedSchema, APPROVAL)[0]).toContain('"days" is not a required argument');
    const open = { ...closedSchema, additionalProperties: true };
    expect(validateRules([rule("group", "equals", "Marketing", AUTO)], open, APPROVAL)[0]).toContain("additionalProperties is not false");
    const union = { ...closedSchema, properties: { ...closedSchema.properties, group: { type: ["string", "null"] } } };
    expect(validateRules([rule("group", "equals", "Marketing", AUTO)], union, APPROVAL)[0]).toContain("no single declared scalar type");
    // The same rule tightening a tool whose own policy is auto is fine: loosening is measured against the tool's policy.
    expect(validateRules([rule("group", "not_one_of", ["Domain Admins"], APPROVAL)], closedSchema, AUTO)).toEqual([]);
    // Approval for a disabled tool loosens too.
    expect(validateRules([rule("group", "matches", "x*", APPROVAL)], closedSchema, DISABLED)[0]).toContain("loosens");
  });
});

describe("rulesFromStorage", () => {
  it("reads stored rules, and turns unreadable ones into a rule that disables the tool", () => {
    const stored = [rule("group", "equals", "x", APPROVAL)];
    expect(rulesFromStorage(stored)).toEqual(stored);
    expect(rulesFromStorage(JSON.stringify(stored))).toEqual(stored);
    expect(rulesFromStorage(null)).toEqual([]);
    const broken = rulesFromStorage([{ argument: "group", operator: "resembles", value: "x", then: AUTO }]);
    expect(broken).toHaveLength(1);
    expect(strictestMatch(broken, { group: "x" }, AUTO)?.rule.then.policy).toBe("disabled");
  });
});
