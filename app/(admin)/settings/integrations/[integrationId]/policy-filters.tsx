"use client";

import type { ToolPolicy } from "@/db/schema";
import { POLICY_LABELS } from "@/components/integration-labels";
import { SelectInput, TextInput } from "@/components/ui/field";
import { choiceOf, type DraftState, type ToolPolicyRow } from "./policy-drafts";

export type Filters = { query: string; policy: ToolPolicy | "all"; changedSinceSeeded: boolean; flagged: boolean };
export const NO_FILTERS: Filters = { query: "", policy: "all", changedSinceSeeded: false, flagged: false };

/** The tools the filters let through, judged on what the admin sees (drafts included). */
export function filterTools(tools: readonly ToolPolicyRow[], state: DraftState, filters: Filters): ToolPolicyRow[] {
  const query = filters.query.trim().toLowerCase();
  return tools.filter((tool) => {
    const choice = choiceOf(state, tool);
    if (query && !`${tool.name} ${tool.title ?? ""} ${tool.description}`.toLowerCase().includes(query)) return false;
    if (filters.policy !== "all" && choice.policy !== filters.policy) return false;
    if (filters.changedSinceSeeded && choice.policy === tool.seededPolicy && !choice.managerApproval) return false;
    if (filters.flagged && !tool.flaggedAt) return false;
    return true;
  });
}

export function PolicyFilters({
  filters,
  onChange,
  shown,
  total,
}: {
  filters: Filters;
  onChange: (next: Filters) => void;
  shown: number;
  total: number;
}) {
  return (
    <div className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-3 lg:flex-row lg:flex-wrap lg:items-center">
      <TextInput
        type="search"
        aria-label="Search tools"
        placeholder="Search name or description"
        value={filters.query}
        onChange={(event) => onChange({ ...filters, query: event.target.value })}
        className="lg:max-w-xs"
      />
      <SelectInput
        aria-label="Filter by policy"
        value={filters.policy}
        onChange={(event) => onChange({ ...filters, policy: event.target.value as Filters["policy"] })}
        className="lg:w-56"
      >
        <option value="all">All policies</option>
        {(Object.keys(POLICY_LABELS) as ToolPolicy[]).map((policy) => (
          <option key={policy} value={policy}>
            {POLICY_LABELS[policy]}
          </option>
        ))}
      </SelectInput>
      <label className="flex min-h-10 items-center gap-2 text-sm">
        <input
          type="checkbox"
          className="h-5 w-5"
          checked={filters.changedSinceSeeded}
          onChange={(event) => onChange({ ...filters, changedSinceSeeded: event.target.checked })}
        />
        Changed since seeded
      </label>
      <label className="flex min-h-10 items-center gap-2 text-sm">
        <input
          type="checkbox"
          className="h-5 w-5"
          checked={filters.flagged}
          onChange={(event) => onChange({ ...filters, flagged: event.target.checked })}
        />
        <span>
          Flagged <span className="text-slate-500">(changed upstream, needs review)</span>
        </span>
      </label>
      <span className="text-sm text-slate-500 lg:ml-auto" aria-live="polite">
        {shown} of {total} tools
      </span>
    </div>
  );
}
