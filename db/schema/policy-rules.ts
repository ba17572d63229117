import type { ToolPolicy } from "./policies";

/*
 * Conditions on arguments as stored (`tools.rules`, `baseline_tools.rules`, `tool_policy_changes`,
 * `tool_calls.decision_rule`): plain JSON. What they mean, and the one evaluation, is
 * server/policy/rules.ts.
 */

export type RuleOperator = "equals" | "one_of" | "not_one_of" | "matches" | "is_present" | "at_most" | "at_least";
export type RuleScalar = string | number | boolean;
export type RuleOutcome = { policy: ToolPolicy; managerApproval: boolean };

/** One rule. `argument` is a dot path through the tool's input schema's properties (`user.department`). */
export type PolicyRule = {
  argument: string;
  operator: RuleOperator;
  /** equals: a scalar; one of / not one of: a list of scalars; matches: a glob; at most / at least: a number; is present: none. */
  value?: RuleScalar | RuleScalar[];
  then: RuleOutcome;
};

/**
 * The rule that decided a call, as recorded on it (`decision.rule`) and shown to people:
 * `index` counts from 1, `text` is "rule 2, group is one of [Domain Admins]", `then` its outcome.
 */
export type DecidingRule = { index: number; text: string; then: RuleOutcome };
