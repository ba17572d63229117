import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ToolPolicy } from "@/db/schema";
import { decide, type Decision, type DecisionInput } from "./decide";
import type { PolicyRule, RuleOperator } from "./rules";

/*
 * Property: for random tools, rules and arguments, decide() answers what a reference model of the
 * issue's wording answers. The model is written here from the rules' definition, on purpose
 * without using server/policy/rules.ts: strictest matching rule wins (disabled > approval with
 * manager > approval > auto); no match → the tool's own policy; an absent or mistyped value
 * matches every tightening rule and no loosening one; a flagged definition raises auto to approval;
 * with arguments unknown, the own policy answers unless it disables and some rule enables.
 * 10,000 cases; 100,000 with FULL_PROPERTY=1.
 */
const RUNS = process.env.FULL_PROPERTY === "1" ? 100_000 : 10_000;

const NAMES = ["group", "days", "flag", "owner.department"] as const;
const STRINGS = ["Marketing", "Domain Admins", "Domain Admins ", "", "Sales", "marketing"];
const NUMBERS = [-1, 0, 7, 7.5, 100];
const GLOBS = ["*", "Domain*", "*Admins", "D?main*", "Mark?ting", "", "*a*a*", "?"];

const scalar = fc.oneof(fc.constantFrom(...STRINGS), fc.constantFrom(...NUMBERS), fc.boolean());
const anyValue = fc.oneof(scalar, fc.constant(null), fc.constant([]), fc.constant(["Marketing"]), fc.constant({ x: 1 }));
const outcome = fc.constantFrom<PolicyRule["then"]>(
  { policy: "auto", managerApproval: false },
  { policy: "approval_needed", managerApproval: false },
  { policy: "approval_needed", managerApproval: true },
  { policy: "disabled", managerApproval: false },
);

const ruleArbitrary: fc.Arbitrary<PolicyRule> = fc
  .record({
    argument: fc.constantFrom(...NAMES),
    operator: fc.constantFrom<RuleOperator>("equals", "one_of", "not_one_of", "matches", "is_present", "at_most", "at_least"),
    then: outcome,
    scalar,
    list: fc.array(scalar, { minLength: 1, maxLength: 3 }),
    glob: fc.constantFrom(...GLOBS),
    number: fc.constantFrom(...NUMBERS),
  })
  .map(({ argument, operator, then, scalar: one, list, glob, number }) => {
    switch (operator) {
      case "equals":
        return { argument, operator, value: one, then };
      case "one_of":
      case "not_one_of":
        return { argument, operator, value: list, then };
      case "matches":
        return { argument, operator, value: glob, then };
      case "is_present":
        return { argument, operator, then };
      case "at_most":
      case "at_least":
        return { argument, operator, value: number, then };
    }
  });

const argumentsArbitrary = fc
  .record(
    {
      group: anyValue,
      days: anyValue,
      flag: anyValue,
      owner: fc.oneof(fc.record({ department: anyValue }, { requiredKeys: [] }), anyValue),
    },
    { requiredKeys: [] },
  )
  .map((args) => args as Record<string, unknown>);

const toolArbitrary = fc.record({
  policy: fc.constantFrom<ToolPolicy>("auto", "approval_needed", "disabled"),
  managerApproval: fc.boolean(),
  flagged: fc.boolean(),
  rules: fc.array(ruleArbitrary, { maxLength: 6 }),
});

// ---- the reference model ----

const rank = (then: { policy: ToolPolicy; managerApproval: boolean }) =>
  then.policy === "disabled" ? 3 : then.policy === "auto" ? 0 : then.managerApproval ? 2 : 1;

function lookup(args: Record<string, unknown>, path: string): unknown {
  const [first, second] = path.split(".");
  const top = Object.prototype.hasOwnProperty.call(args, first!) ? args[first!] : undefined;
  if (second === undefined) return top;
  if (top === null || typeof top !== "object" || Array.isArray(top)) return undefined;
  return Object.prototype.hasOwnProperty.call(top, second) ? (top as Record<string, unknown>)[second] : undefined;
}

const globRegExp = (glob: string) =>
  new RegExp(
    `^${[...glob].map((char) => (char === "*" ? "[\\s\\S]*" : char === "?" ? "[\\s\\S]" : char.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("")}$`,
    "u",
  );

function modelMatches(rule: PolicyRule, args: Record<string, unknown>, ownRank: number): boolean {
  const value = lookup(args, rule.argument);
  if (rule.operator === "is_present") return value !== undefined && value !== null;
  const loosening = rank(rule.then) < ownRank;
  const isScalar = typeof value === "string" || typeof value === "number" || typeof value === "boolean";
  const values = Array.isArray(rule.value) ? rule.value : [rule.value];
  let readable = false;
  if (isScalar) {
    if (rule.operator === "equals") readable = typeof rule.value === typeof value;
    else if (rule.operator === "one_of" || rule.operator === "not_one_of") readable = values.some((entry) => typeof entry === typeof value);
    else if (rule.operator === "matches") readable = typeof value === "string";
    else readable = typeof value === "number";
  }
  if (!readable) return !loosening;
  switch (rule.operator) {
    case "equals":
      return value === rule.value;
    case "one_of":
      return values.includes(value as string);
    case "not_one_of":
      return !values.includes(value as string);
    case "matches":
      return globRegExp(rule.value as string).test(value as string);
    case "at_most":
      return (value as number) <= (rule.value as number);
    case "at_least":
      return (value as number) >= (rule.value as number);
  }
  return false;
}

type Expected = { kind: Decision["kind"]; approvals?: string[]; ruleIndex: number | null };

function outcomeOf(finalRank: number, flagged: boolean, ruleIndex: number | null): Expected {
  if (finalRank === 3) return { kind: "reject", ruleIndex };
  if (finalRank === 0) return flagged ? { kind: "await_approval", approvals: ["technician"], ruleIndex } : { kind: "execute", ruleIndex };
  return { kind: "await_approval", approvals: finalRank === 2 ? ["technician", "manager"] : ["technician"], ruleIndex };
}

function model(
  tool: { policy: ToolPolicy; managerApproval: boolean; flagged: boolean; rules: PolicyRule[] },
  args: Record<string, unknown> | null,
) {
  const ownRank = rank({ policy: tool.policy, managerApproval: tool.policy === "approval_needed" && tool.managerApproval });
  let best: { rank: number; index: number } | null = null;
  tool.rules.forEach((rule, index) => {
    const eligible = args === null ? ownRank === 3 && rank(rule.then) < 3 : modelMatches(rule, args, ownRank);
    if (eligible && (!best || rank(rule.then) > best.rank)) best = { rank: rank(rule.then), index };
  });
  const chosen = best as { rank: number; index: number } | null;
  return chosen ? outcomeOf(chosen.rank, tool.flagged, chosen.index + 1) : outcomeOf(ownRank, tool.flagged, null);
}

function inputOf(
  tool: { policy: ToolPolicy; managerApproval: boolean; flagged: boolean; rules: PolicyRule[] },
  args: Record<string, unknown> | null,
): DecisionInput {
  return {
    workspace: { agentsPaused: false },
    agent: { paused: false },
    key: { retired: false, revoked: false },
    integration: { status: "active", inAgentScope: true },
    tool: { ...tool, technicianApprovals: 1, removed: false, definitionHash: "h", readOnly: true },
    planMode: null,
    limits: null,
    arguments: args,
  };
}

const observed = (decision: Decision): Expected => ({
  kind: decision.kind,
  ...(decision.kind === "await_approval" ? { approvals: decision.approvals } : {}),
  ruleIndex: decision.rule?.index ?? null,
});

describe("decide() with rules, against a reference model", () => {
  it(`agrees on ${RUNS.toLocaleString("en")} random tools, rules and arguments`, () => {
    fc.assert(
      fc.property(toolArbitrary, argumentsArbitrary, (tool, args) => {
        expect(observed(decide(inputOf(tool, args)))).toEqual(model(tool, args));
      }),
      { numRuns: RUNS },
    );
  });

  it("agrees with arguments unknown (the tool list), and then refuses only a tool every path disables", () => {
    fc.assert(
      fc.property(toolArbitrary, (tool) => {
        const decision = decide(inputOf(tool, null));
        expect(observed(decision)).toEqual(model(tool, null));
        const everyPathDisables = tool.policy === "disabled" && tool.rules.every((rule) => rule.then.policy === "disabled");
        expect(decision.kind === "reject").toBe(everyPathDisables);
      }),
      { numRuns: Math.ceil(RUNS / 10) },
    );
  });
});
