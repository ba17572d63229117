import { z } from "zod";
import type { DecidingRule, PolicyRule, RuleOperator, RuleOutcome, RuleScalar, ToolPolicy } from "@/db/schema";

export type { DecidingRule, PolicyRule, RuleOperator, RuleOutcome, RuleScalar };

/*
 * Conditions on arguments: per tool, an ordered list of rules "when <argument> <operator> <value>
 * then <policy>". Pure and browser-safe (the detail page evaluates a draft with it); decide.ts is
 * the only place that applies them to a call.
 *
 * Semantics, in one place:
 * - Several rules may match; the strictest wins (disabled > approval with manager > approval >
 *   auto), so a loosening rule can never mask a tightening one. No rule matches: the tool's own
 *   policy applies.
 * - A rule *loosens* when its outcome is less strict than the tool's own policy. An argument that
 *   is absent, or whose value is not of the rule's type, matches every tightening rule and no
 *   loosening rule. (`is present` asks only whether the argument is there: absence is its answer,
 *   not a value it cannot read.)
 * - Rules are plain JSON (argument path, operator, value, then {policy, managerApproval}), so they
 *   can be copied between tools of the same name.
 */

export const RULE_OPERATORS = [
  "equals",
  "one_of",
  "not_one_of",
  "matches",
  "is_present",
  "at_most",
  "at_least",
] as const satisfies readonly RuleOperator[];

// The policies, spelled here so this browser-side module does not pull the database schema in.
const POLICIES = ["auto", "approval_needed", "disabled"] as const satisfies readonly ToolPolicy[];

const scalar = z.union([z.string().max(500), z.number().finite(), z.boolean()]);

/** The wire shape of a rule (tRPC input, stored JSON). Type checks against the schema happen in `validateRules`. */
export const policyRuleSchema = z.object({
  argument: z.string().min(1).max(200),
  operator: z.enum(RULE_OPERATORS),
  value: z.union([scalar, z.array(scalar).max(200)]).optional(),
  then: z.object({ policy: z.enum(POLICIES), managerApproval: z.boolean() }),
});
export const MAX_RULES_PER_TOOL = 50;
export const policyRulesSchema = z.array(policyRuleSchema).max(MAX_RULES_PER_TOOL);

export const OPERATOR_WORDS: Record<RuleOperator, string> = {
  equals: "equals",
  one_of: "is one of",
  not_one_of: "is not one of",
  matches: "matches",
  is_present: "is present",
  at_most: "is at most",
  at_least: "is at least",
};

export const OUTCOME_WORDS = (outcome: RuleOutcome): string =>
  outcome.policy === "approval_needed" ? (outcome.managerApproval ? "approval needed with manager" : "approval needed") : outcome.policy;

/** "approval needed: rule 2, group is one of [Domain Admins]" — how Activity, the call page and the approval page name it. */
export function decidingRuleWords(rule: DecidingRule): string {
  return `${OUTCOME_WORDS(rule.then)}: ${rule.text}`;
}

/** disabled > approval with manager > approval > auto. */
export function strictnessOf(outcome: RuleOutcome): number {
  switch (outcome.policy) {
    case "auto":
      return 0;
    case "approval_needed":
      return outcome.managerApproval ? 2 : 1;
    case "disabled":
      return 3;
  }
}

/** A rule loosens when its outcome is less strict than the tool's own policy. */
export function isLoosening(rule: PolicyRule, own: RuleOutcome): boolean {
  return strictnessOf(rule.then) < strictnessOf(own);
}

const valueWords = (value: PolicyRule["value"]): string =>
  Array.isArray(value) ? `[${value.map(String).join(", ")}]` : value === undefined ? "" : String(value);

/** "group is one of [Domain Admins]". */
export function conditionText(rule: Pick<PolicyRule, "argument" | "operator" | "value">): string {
  const words = OPERATOR_WORDS[rule.operator];
  return rule.operator === "is_present" ? `${rule.argument} ${words}` : `${rule.argument} ${words} ${valueWords(rule.value)}`;
}

/** "rule 2, group is one of [Domain Admins]" (rules are numbered from 1, as the page shows them). */
export function ruleText(rule: PolicyRule, index: number): string {
  return `rule ${index + 1}, ${conditionText(rule)}`;
}

/** The value at a dot path of the arguments; undefined when any step is missing. */
export function argumentAt(args: Record<string, unknown>, path: string): unknown {
  let node: unknown = args;
  for (const step of path.split(".")) {
    if (!node || typeof node !== "object" || Array.isArray(node) || !Object.prototype.hasOwnProperty.call(node, step)) return undefined;
    node = (node as Record<string, unknown>)[step];
  }
  return node;
}

/**
 * A glob (`*` any run of characters, `?` one character, everything else literal) compiled once into
 * its literal pieces and matched greedily left to right: no backtracking, time O(input × pattern).
 */
export function compileGlob(glob: string): (input: string) => boolean {
  const pieces = glob.split("*").map((piece) => [...piece]);
  const at = (input: string[], piece: string[], start: number) =>
    piece.every((char, offset) => char === "?" || input[start + offset] === char);
  return (text: string) => {
    const input = [...text];
    const first = pieces[0]!;
    if (pieces.length === 1) return input.length === first.length && at(input, first, 0);
    const last = pieces[pieces.length - 1]!;
    if (input.length < first.length + last.length || !at(input, first, 0) || !at(input, last, input.length - last.length)) return false;
    let position = first.length;
    const end = input.length - last.length;
    for (const piece of pieces.slice(1, -1)) {
      let found = -1;
      for (let start = position; start + piece.length <= end; start++)
        if (at(input, piece, start)) {
          found = start;
          break;
        }
      if (found < 0) return false;
      position = found + piece.length;
    }
    return true;
  };
}

const globs = new Map<string, (input: string) => boolean>();
function globMatches(glob: string, input: string): boolean {
  let matcher = globs.get(glob);
  if (!matcher) {
    if (globs.size > 2_000) globs.clear();
    globs.set(glob, (matcher = compileGlob(glob)));
  }
  return matcher(input);
}

const isScalar = (value: unknown): value is RuleScalar =>
  typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));

/**
 * Whether the value is one the rule can compare: of the rule's value's type (a number for at most /
 * at least, text for matches). Undefined: the rule cannot read it (absent or mistyped).
 */
function comparison(rule: PolicyRule, value: unknown): boolean | undefined {
  if (rule.operator === "is_present") return value !== undefined && value !== null;
  if (!isScalar(value)) return undefined;
  const sameType = (expected: unknown) => typeof expected === typeof value;
  switch (rule.operator) {
    case "equals":
      return sameType(rule.value) ? value === rule.value : undefined;
    case "one_of":
    case "not_one_of": {
      const list = Array.isArray(rule.value) ? rule.value : [];
      if (!list.some(sameType)) return undefined;
      const inList = list.includes(value);
      return rule.operator === "one_of" ? inList : !inList;
    }
    case "matches":
      return typeof value === "string" && typeof rule.value === "string" ? globMatches(rule.value, value) : undefined;
    case "at_most":
    case "at_least":
      if (typeof value !== "number" || typeof rule.value !== "number") return undefined;
      return rule.operator === "at_most" ? value <= rule.value : value >= rule.value;
  }
}

/** Whether one rule matches these arguments, for a tool whose own policy is `own`. */
export function ruleMatches(rule: PolicyRule, args: Record<string, unknown>, own: RuleOutcome): boolean {
  const answer = comparison(rule, argumentAt(args, rule.argument));
  if (answer === undefined) return !isLoosening(rule, own);
  return answer;
}

/** The strictest matching rule and its place in the list; null when none matches (the tool's own policy applies). */
export function strictestMatch(
  rules: readonly PolicyRule[],
  args: Record<string, unknown>,
  own: RuleOutcome,
): { rule: PolicyRule; index: number } | null {
  let best: { rule: PolicyRule; index: number } | null = null;
  rules.forEach((rule, index) => {
    if (!ruleMatches(rule, args, own)) return;
    if (!best || strictnessOf(rule.then) > strictnessOf(best.rule.then)) best = { rule, index };
  });
  return best;
}

// ---------------------------------------------------------------------------------------------
// Validation against the tool's input schema (at Save, and in the page before it)

type SchemaNode = Record<string, unknown>;
const SCALAR_TYPES = ["string", "number", "integer", "boolean"] as const;

/** The schema node at a dot path, with each step's parent (for required / additionalProperties); null when absent. */
function schemaPath(schema: SchemaNode, path: string): Array<{ parent: SchemaNode; name: string; node: SchemaNode }> | null {
  const steps: Array<{ parent: SchemaNode; name: string; node: SchemaNode }> = [];
  let parent = schema;
  for (const name of path.split(".")) {
    const properties = parent.properties;
    if (!properties || typeof properties !== "object" || !Object.prototype.hasOwnProperty.call(properties, name)) return null;
    const node = (properties as Record<string, unknown>)[name];
    if (!node || typeof node !== "object") return null;
    steps.push({ parent, name, node: node as SchemaNode });
    parent = node as SchemaNode;
  }
  return steps;
}

function declaredTypes(node: SchemaNode): string[] {
  const type = node.type;
  if (typeof type === "string") return [type];
  if (Array.isArray(type)) return type.filter((entry): entry is string => typeof entry === "string");
  if (Array.isArray(node.enum)) return [...new Set(node.enum.map((entry) => (typeof entry === "number" ? "number" : typeof entry)))];
  return [];
}

/** Whether a value fits one of the argument's declared types (an integer argument wants an integer). */
function fitsTypes(value: RuleScalar, types: string[]): boolean {
  if (typeof value === "string") return types.includes("string");
  if (typeof value === "boolean") return types.includes("boolean");
  return types.includes("number") || (types.includes("integer") && Number.isInteger(value));
}

const typeWords = (types: string[]) => (types.length ? types.join(" or ") : "of no declared type");

/** What is wrong with one rule's value for its operator and the argument's declared types, or null. */
function valueProblem(rule: PolicyRule, types: string[], node: SchemaNode): string | null {
  const { operator, value } = rule;
  if (operator === "is_present") return value === undefined ? null : '"is present" takes no value';
  if (value === undefined) return `"${OPERATOR_WORDS[operator]}" needs a value`;
  if (operator === "one_of" || operator === "not_one_of") {
    if (!Array.isArray(value) || value.length === 0) return `"${OPERATOR_WORDS[operator]}" needs a list of at least one value`;
    const wrong = value.find((entry) => !fitsTypes(entry, types));
    if (wrong !== undefined) return `${JSON.stringify(wrong)} is not a value of the argument's type (${typeWords(types)})`;
  } else {
    if (Array.isArray(value)) return `"${OPERATOR_WORDS[operator]}" takes one value, not a list`;
    if (operator === "matches") {
      if (!types.includes("string")) return `"matches" compares text, and the argument is ${typeWords(types)}`;
      if (typeof value !== "string") return '"matches" needs a pattern (text, with * and ?)';
    } else if (operator === "at_most" || operator === "at_least") {
      if (!types.includes("number") && !types.includes("integer"))
        return `"${OPERATOR_WORDS[operator]}" compares numbers, and the argument is ${typeWords(types)}`;
      if (typeof value !== "number") return `${JSON.stringify(value)} is not a number`;
    } else if (!fitsTypes(value, types)) return `${JSON.stringify(value)} is not a value of the argument's type (${typeWords(types)})`;
  }
  const allowed = Array.isArray(node.enum) ? (node.enum as unknown[]) : null;
  if (allowed && (operator === "equals" || operator === "one_of" || operator === "not_one_of")) {
    const outside = (Array.isArray(value) ? value : [value]).find((entry) => !allowed.includes(entry));
    if (outside !== undefined) return `${JSON.stringify(outside)} is not one of the argument's allowed values`;
  }
  return null;
}

/** Why a loosening rule may not loosen, or null: equals / one of, on a required argument of one declared scalar type, in a closed schema. */
function looseningProblem(rule: PolicyRule, steps: NonNullable<ReturnType<typeof schemaPath>>): string | null {
  if (rule.operator !== "equals" && rule.operator !== "one_of")
    return `it loosens the tool's own policy, which only "equals" or "is one of" may do (an absent or slightly different value, such as one with a trailing space, would otherwise get through)`;
  for (const { parent, name } of steps) {
    const required = Array.isArray(parent.required) ? (parent.required as unknown[]) : [];
    if (!required.includes(name)) return `it loosens the tool's own policy, and "${name}" is not a required argument in the tool's schema`;
    if (parent.additionalProperties !== false)
      return "it loosens the tool's own policy, and the tool's schema allows arguments it does not declare (additionalProperties is not false)";
  }
  const leaf = steps[steps.length - 1]!.node;
  const types = typeof leaf.type === "string" ? [leaf.type] : [];
  if (types.length !== 1 || !(SCALAR_TYPES as readonly string[]).includes(types[0]!))
    return `it loosens the tool's own policy, and "${rule.argument}" has no single declared scalar type (string, number, integer or boolean)`;
  return null;
}

/** Whether the schema marks the argument secret (write-only or a password): its value is not kept, so a stored call could not be re-checked. */
const isSecret = (node: SchemaNode) => node.writeOnly === true || node.format === "password";

/**
 * Every reason, in words, why these rules may not be saved for a tool with this input schema and
 * own policy: an argument the schema lacks, a value of the wrong type, a loosening rule that is not
 * an equals / one of on a required scalar argument of a closed schema. Empty: they may be saved.
 */
export function validateRules(rules: readonly PolicyRule[], inputSchema: Record<string, unknown>, own: RuleOutcome): string[] {
  const problems: string[] = [];
  rules.forEach((rule, index) => {
    const name = `Rule ${index + 1} (${conditionText(rule)})`;
    if (rule.then.managerApproval && rule.then.policy !== "approval_needed") {
      problems.push(`${name}: Manager Approval needs "approval needed" as the rule's outcome.`);
      return;
    }
    const steps = schemaPath(inputSchema, rule.argument);
    if (!steps) {
      problems.push(`${name}: the tool's input schema has no argument "${rule.argument}".`);
      return;
    }
    const leaf = steps[steps.length - 1]!.node;
    if (steps.some((step) => isSecret(step.node))) {
      problems.push(`${name}: "${rule.argument}" is a secret (write-only) argument; its value is not kept, so no rule may read it.`);
      return;
    }
    const typeProblem = valueProblem(rule, declaredTypes(leaf), leaf);
    if (typeProblem) {
      problems.push(`${name}: ${typeProblem}.`);
      return;
    }
    if (isLoosening(rule, own)) {
      const loosening = looseningProblem(rule, steps);
      if (loosening) problems.push(`${name}: ${loosening}.`);
    }
  });
  return problems;
}

/**
 * The rules as stored (jsonb), checked: stored rules that cannot be read become one rule that
 * disables the tool for every call, so what cannot be evaluated denies.
 */
export function rulesFromStorage(raw: unknown): readonly PolicyRule[] {
  const value = typeof raw === "string" ? safeJson(raw) : raw;
  if (value === null || value === undefined) return [];
  const parsed = policyRulesSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  return [{ argument: "(unreadable stored rules)", operator: "equals", value: "", then: { policy: "disabled", managerApproval: false } }];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { unreadable: text };
  }
}
