"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { ToolPolicy } from "@/db/schema";
import {
  conditionText,
  OPERATOR_WORDS,
  OUTCOME_WORDS,
  RULE_OPERATORS,
  validateRules,
  type PolicyRule,
  type RuleOperator,
  type RuleOutcome,
  type RuleScalar,
} from "@/server/policy/rules";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { SelectInput, TextArea, TextInput } from "@/components/ui/field";

/*
 * A tool's rules on its arguments, under its policy dropdown: list, add, edit, reorder, remove.
 * Changes go into the page's draft (the one Save); the same pure validation the server runs at Save
 * (server/policy/rules.ts) shows its reasons here first.
 */

const OUTCOMES: Array<{ key: string; label: string; then: RuleOutcome }> = [
  { key: "auto", label: "Runs automatically", then: { policy: "auto", managerApproval: false } },
  { key: "approval", label: "Needs technician approval", then: { policy: "approval_needed", managerApproval: false } },
  { key: "manager", label: "Needs technician + manager approval", then: { policy: "approval_needed", managerApproval: true } },
  { key: "disabled", label: "Disabled — refused", then: { policy: "disabled", managerApproval: false } },
];
const outcomeKey = (then: RuleOutcome) =>
  OUTCOMES.find((entry) => entry.then.policy === then.policy && entry.then.managerApproval === then.managerApproval)?.key ?? "approval";

type SchemaNode = { type?: unknown; properties?: Record<string, SchemaNode>; enum?: unknown[] };
type ArgumentOption = { path: string; types: string[] };

/** The schema's arguments a rule can name (scalars, and objects' scalar properties), by dot path. */
function argumentOptions(schema: SchemaNode, prefix = "", depth = 0): ArgumentOption[] {
  if (depth > 3 || !schema.properties) return [];
  return Object.entries(schema.properties).flatMap(([name, node]) => {
    const path = prefix ? `${prefix}.${name}` : name;
    const types = typeof node.type === "string" ? [node.type] : Array.isArray(node.type) ? node.type.map(String) : [];
    if (types.includes("object")) return argumentOptions(node, path, depth + 1);
    return [{ path, types }];
  });
}

/** A typed-in value as the argument's type reads it (a number for a number argument). */
function parseValue(text: string, types: string[]): RuleScalar {
  if ((types.includes("number") || types.includes("integer")) && text.trim() !== "" && Number.isFinite(Number(text))) return Number(text);
  if (types.includes("boolean") && (text === "true" || text === "false")) return text === "true";
  return text;
}

const LIST_OPERATORS: RuleOperator[] = ["one_of", "not_one_of"];

type Draft = { argument: string; operator: RuleOperator; valueText: string; outcome: string };

function draftOf(rule: PolicyRule | null, options: ArgumentOption[]): Draft {
  if (!rule) return { argument: options[0]?.path ?? "", operator: "equals", valueText: "", outcome: "approval" };
  const valueText = Array.isArray(rule.value) ? rule.value.map(String).join("\n") : rule.value === undefined ? "" : String(rule.value);
  return { argument: rule.argument, operator: rule.operator, valueText, outcome: outcomeKey(rule.then) };
}

function ruleOf(draft: Draft, options: ArgumentOption[]): PolicyRule {
  const types = options.find((option) => option.path === draft.argument)?.types ?? ["string"];
  const then = OUTCOMES.find((entry) => entry.key === draft.outcome)!.then;
  if (draft.operator === "is_present") return { argument: draft.argument, operator: draft.operator, then };
  const value = LIST_OPERATORS.includes(draft.operator)
    ? draft.valueText
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => parseValue(line, types))
    : parseValue(draft.valueText, types);
  return { argument: draft.argument, operator: draft.operator, value, then };
}

export function ToolRulesEditor({
  toolId,
  toolLabel,
  rules,
  own,
  isAdmin,
  onChange,
}: {
  toolId: string;
  toolLabel: string;
  rules: readonly PolicyRule[];
  /** The tool's own (draft) policy: whether a rule loosens it. */
  own: { policy: ToolPolicy; managerApproval: boolean };
  isAdmin: boolean;
  onChange: (rules: PolicyRule[]) => void;
}) {
  const trpc = useTRPC();
  // Which rule is being edited: its index, "new", or none. The schema loads only then.
  const [editing, setEditing] = useState<number | "new" | null>(null);
  const definition = useQuery({ ...trpc.policies.toolDefinition.queryOptions({ toolId }), enabled: editing !== null || rules.length > 0 });
  const schema = (definition.data?.inputSchema ?? null) as SchemaNode | null;
  const problems = schema ? validateRules(rules, schema as Record<string, unknown>, own) : [];

  const move = (index: number, by: -1 | 1) => {
    const next = [...rules];
    const [rule] = next.splice(index, 1);
    next.splice(index + by, 0, rule!);
    onChange(next);
  };

  if (rules.length === 0 && !isAdmin) return null;
  if (rules.length === 0 && editing === null)
    return (
      <button type="button" className="mt-2 min-h-8 text-sm text-brand-700 hover:underline" onClick={() => setEditing("new")}>
        Add a rule on arguments
      </button>
    );
  return (
    <section className="mt-3 rounded-md border border-slate-200 p-3 text-sm" aria-label={`Rules for ${toolLabel}`} data-testid="tool-rules">
      <p className="font-medium text-slate-800">Rules on arguments</p>
      <p className="text-xs text-slate-500">
        When several rules match, the strictest wins; when none matches, the policy above applies. A rule that loosens the policy may only
        use “equals” or “is one of” on a required argument.
      </p>
      {rules.length > 0 ? (
        <ol className="mt-2 space-y-2">
          {rules.map((rule, index) => (
            <li key={`${index}-${conditionText(rule)}`} className="rounded border border-slate-100 bg-slate-50 p-2">
              {editing === index && schema ? (
                <RuleForm
                  schema={schema}
                  initial={rule}
                  onCancel={() => setEditing(null)}
                  onDone={(updated) => {
                    onChange(rules.map((existing, at) => (at === index ? updated : existing)));
                    setEditing(null);
                  }}
                />
              ) : (
                <div className="flex flex-wrap items-center gap-2">
                  <span className="min-w-0 basis-full wrap-anywhere sm:flex-1 sm:basis-0">
                    <span className="text-slate-500">{index + 1}.</span> When <code>{conditionText(rule)}</code> →{" "}
                    <span className="font-medium">{OUTCOME_WORDS(rule.then)}</span>
                  </span>
                  {isAdmin ? (
                    <span className="flex gap-1">
                      <Button
                        size="sm"
                        variant="secondary"
                        disabled={index === 0}
                        onClick={() => move(index, -1)}
                        aria-label={`Move rule ${index + 1} up`}
                      >
                        ↑
                      </Button>
                      <Button
                        size="sm"
                        variant="secondary"
                        disabled={index === rules.length - 1}
                        onClick={() => move(index, 1)}
                        aria-label={`Move rule ${index + 1} down`}
                      >
                        ↓
                      </Button>
                      <Button size="sm" variant="secondary" onClick={() => setEditing(index)} aria-label={`Edit rule ${index + 1}`}>
                        Edit
                      </Button>
                      <Button
                        size="sm"
                        variant="secondary"
                        onClick={() => onChange(rules.filter((_, at) => at !== index))}
                        aria-label={`Remove rule ${index + 1}`}
                      >
                        Remove
                      </Button>
                    </span>
                  ) : null}
                </div>
              )}
            </li>
          ))}
        </ol>
      ) : null}
      {problems.length ? (
        <ul className="mt-2 list-disc space-y-1 pl-5 text-red-700" role="alert" data-testid="rule-problems">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      ) : null}
      {editing === "new" && schema ? (
        <div className="mt-2 rounded border border-brand-100 bg-brand-50 p-2">
          <RuleForm
            schema={schema}
            initial={null}
            onCancel={() => setEditing(null)}
            onDone={(rule) => {
              onChange([...rules, rule]);
              setEditing(null);
            }}
          />
        </div>
      ) : null}
      {editing !== null && !schema ? (
        <p className="mt-2 text-slate-500">{definition.error ? definition.error.message : "Loading the tool's arguments…"}</p>
      ) : null}
      {isAdmin && editing === null ? (
        <Button size="sm" variant="secondary" className="mt-2" onClick={() => setEditing("new")}>
          Add a rule
        </Button>
      ) : null}
    </section>
  );
}

function RuleForm({
  schema,
  initial,
  onDone,
  onCancel,
}: {
  schema: SchemaNode;
  initial: PolicyRule | null;
  onDone: (rule: PolicyRule) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const options = argumentOptions(schema);
  const [draft, setDraft] = useState<Draft>(() => draftOf(initial, options));
  if (options.length === 0) return <p className="text-slate-600">This tool declares no arguments a rule could name.</p>;
  const isList = LIST_OPERATORS.includes(draft.operator);
  return (
    <div className="grid gap-2 md:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_minmax(0,1.4fr)_minmax(0,1.2fr)] md:items-start">
      <div>
        <label className="block text-xs font-medium text-slate-700" htmlFor={`${id}-argument`}>
          When argument
        </label>
        <SelectInput
          id={`${id}-argument`}
          value={draft.argument}
          onChange={(event) => setDraft({ ...draft, argument: event.target.value })}
        >
          {options.map((option) => (
            <option key={option.path} value={option.path}>
              {option.path}
            </option>
          ))}
        </SelectInput>
      </div>
      <div>
        <label className="block text-xs font-medium text-slate-700" htmlFor={`${id}-operator`}>
          Operator
        </label>
        <SelectInput
          id={`${id}-operator`}
          value={draft.operator}
          onChange={(event) => setDraft({ ...draft, operator: event.target.value as RuleOperator })}
        >
          {RULE_OPERATORS.map((operator) => (
            <option key={operator} value={operator}>
              {OPERATOR_WORDS[operator]}
            </option>
          ))}
        </SelectInput>
      </div>
      <div>
        {draft.operator === "is_present" ? null : (
          <>
            <label className="block text-xs font-medium text-slate-700" htmlFor={`${id}-value`}>
              {isList ? "Values (one per line)" : draft.operator === "matches" ? "Pattern (* and ?)" : "Value"}
            </label>
            {isList ? (
              <TextArea
                id={`${id}-value`}
                rows={2}
                value={draft.valueText}
                onChange={(event) => setDraft({ ...draft, valueText: event.target.value })}
              />
            ) : (
              <TextInput
                id={`${id}-value`}
                value={draft.valueText}
                onChange={(event) => setDraft({ ...draft, valueText: event.target.value })}
              />
            )}
          </>
        )}
      </div>
      <div>
        <label className="block text-xs font-medium text-slate-700" htmlFor={`${id}-then`}>
          Then
        </label>
        <SelectInput id={`${id}-then`} value={draft.outcome} onChange={(event) => setDraft({ ...draft, outcome: event.target.value })}>
          {OUTCOMES.map((outcome) => (
            <option key={outcome.key} value={outcome.key}>
              {outcome.label}
            </option>
          ))}
        </SelectInput>
      </div>
      <div className="flex gap-2 md:col-span-4">
        <Button size="sm" onClick={() => onDone(ruleOf(draft, options))}>
          {initial ? "Update rule" : "Add rule"}
        </Button>
        <Button size="sm" variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </div>
  );
}
