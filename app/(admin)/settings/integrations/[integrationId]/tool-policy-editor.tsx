"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { memo, useCallback, useMemo, useState } from "react";
import type { ToolPolicy } from "@/db/schema";
import type { IntegrationDetail } from "@/server/integrations/detail";
import type { ToolPolicyRow } from "@/server/policy/list-tools";
import type { ExplainReach } from "@/server/approvals/channel-words";
import { explainPolicy } from "@/server/policy/explain";
import { POLICY_LABELS, POLICY_SHORT_LABELS } from "@/components/integration-labels";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { SelectInput, TextInput } from "@/components/ui/field";
import { Badge, EmptyState, Notice } from "@/components/ui/layout";
import { Switch } from "@/components/ui/switch";
import { useSaveConfirmation } from "./save-confirmation";
import { SchemaView } from "./schema-view";
import { ToolEscalation } from "./tool-escalation";
import { useLeaveWarning } from "./use-leave-warning";

type Choice = { policy: ToolPolicy; managerApproval: boolean };
type Filters = { query: string; policy: ToolPolicy | "all"; changedSinceSeeded: boolean; flagged: boolean };
const PAGE = 200;

const sameChoice = (a: Choice, b: Choice) => a.policy === b.policy && a.managerApproval === b.managerApproval;

export function ToolPolicyEditor({
  detail,
  tools,
  copySources,
  isAdmin,
  justConnected,
  reach,
}: {
  reach: ExplainReach;
  detail: IntegrationDetail;
  tools: ToolPolicyRow[];
  copySources: Array<{ id: string; name: string }>;
  isAdmin: boolean;
  justConnected: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [drafts, setDrafts] = useState<Map<string, Choice>>(() => new Map());
  const [filters, setFilters] = useState<Filters>({ query: "", policy: "all", changedSinceSeeded: false, flagged: false });
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [limit, setLimit] = useState(PAGE);
  const [notice, setNotice] = useState<{ tone: "success" | "info" | "warning"; text: string } | null>(null);
  const [error, setError] = useState<{ message: string; stale: boolean } | null>(null);
  const [bulkPolicy, setBulkPolicy] = useState<ToolPolicy>("approval_needed");
  const [copyFrom, setCopyFrom] = useState(copySources[0]?.id ?? "");
  const [switchedOff, setSwitchedOff] = useState<Set<string>>(() => new Set());
  const saveConfirmation = useSaveConfirmation();

  const stored = useMemo(
    () => new Map(tools.map((tool) => [tool.id, { policy: tool.policy, managerApproval: tool.managerApproval }])),
    [tools],
  );
  const current = useCallback((tool: ToolPolicyRow): Choice => drafts.get(tool.id) ?? stored.get(tool.id)!, [drafts, stored]);
  useLeaveWarning(drafts.size > 0);

  const setChoice = useCallback(
    (toolId: string, next: Choice) => {
      saveConfirmation.clear();
      setDrafts((previous) => {
        const copy = new Map(previous);
        if (sameChoice(next, stored.get(toolId)!)) copy.delete(toolId);
        else copy.set(toolId, next);
        return copy;
      });
    },
    [stored, saveConfirmation],
  );

  const onPolicyChange = useCallback(
    (tool: ToolPolicyRow, policy: ToolPolicy) => {
      const before = drafts.get(tool.id) ?? stored.get(tool.id)!;
      const managerApproval = policy === "approval_needed" ? before.managerApproval : false;
      setSwitchedOff((previous) => {
        const copy = new Set(previous);
        if (before.managerApproval && !managerApproval) copy.add(tool.id);
        else copy.delete(tool.id);
        return copy;
      });
      setChoice(tool.id, { policy, managerApproval });
    },
    [drafts, stored, setChoice],
  );

  const visible = useMemo(() => {
    const query = filters.query.trim().toLowerCase();
    return tools.filter((tool) => {
      const choice = drafts.get(tool.id) ?? stored.get(tool.id)!;
      if (query && !`${tool.name} ${tool.title ?? ""} ${tool.description}`.toLowerCase().includes(query)) return false;
      if (filters.policy !== "all" && choice.policy !== filters.policy) return false;
      if (filters.changedSinceSeeded && choice.policy === tool.seededPolicy && !choice.managerApproval) return false;
      if (filters.flagged && !tool.flaggedAt) return false;
      return true;
    });
  }, [tools, drafts, stored, filters]);

  const save = useMutation(trpc.policies.save.mutationOptions());
  const confirm = useMutation(trpc.policies.confirmDefinitions.mutationOptions());

  async function onSave() {
    setError(null);
    const changes = [...drafts.entries()].map(([toolId, choice]) => ({ toolId, ...choice }));
    try {
      const result = await save.mutateAsync({ integrationId: detail.id, revision: detail.revision, changes });
      setNotice(null);
      saveConfirmation.show(
        `Saved ${result.applied} change${result.applied === 1 ? "" : "s"}. Agents see them on their next call (toolset version ${result.toolsetVersion}).`,
      );
      setDrafts(new Map());
      router.refresh();
    } catch (caught) {
      const data = (caught as { data?: { serviceCode?: string } }).data;
      setError({ message: (caught as Error).message, stale: data?.serviceCode === "stale_revision" });
    }
  }

  async function onConfirm(toolIds: string[]) {
    setError(null);
    try {
      await confirm.mutateAsync({ integrationId: detail.id, revision: detail.revision, toolIds });
      router.refresh();
    } catch (caught) {
      const data = (caught as { data?: { serviceCode?: string } }).data;
      setError({ message: (caught as Error).message, stale: data?.serviceCode === "stale_revision" });
    }
  }

  function applyBulk() {
    for (const tool of tools) {
      if (!selected.has(tool.id)) continue;
      const before = current(tool);
      setChoice(tool.id, { policy: bulkPolicy, managerApproval: bulkPolicy === "approval_needed" ? before.managerApproval : false });
    }
    setNotice({
      tone: "info",
      text: `Set ${selected.size} tool${selected.size === 1 ? "" : "s"} to “${POLICY_LABELS[bulkPolicy]}”. Review, then Save.`,
    });
    setSelected(new Set());
  }

  async function applyCopy() {
    if (!copyFrom) return;
    setError(null);
    try {
      const source = await queryClient.fetchQuery(
        trpc.policies.copySource.queryOptions({ integrationId: detail.id, fromIntegrationId: copyFrom }),
      );
      const byName = new Map(source.map((row) => [row.name, row]));
      let matched = 0;
      for (const tool of tools) {
        const match = byName.get(tool.name);
        if (!match) continue;
        matched++;
        setChoice(tool.id, { policy: match.policy, managerApproval: match.managerApproval });
      }
      const name = copySources.find((candidate) => candidate.id === copyFrom)?.name ?? "the other integration";
      setNotice({
        tone: "info",
        text: `Copied the policies of ${matched} tool${matched === 1 ? "" : "s"} both integrations have from ${name}. Review, then Save.`,
      });
    } catch (caught) {
      setError({ message: (caught as Error).message, stale: false });
    }
  }

  const flaggedIds = tools.filter((tool) => tool.flaggedAt).map((tool) => tool.id);
  const allVisibleSelected = visible.length > 0 && visible.every((tool) => selected.has(tool.id));

  return (
    <div className="space-y-4 pb-24">
      {justConnected || !detail.policiesReviewedAt ? (
        tools.length > 0 && !detail.policiesReviewedAt ? (
          <Notice tone="info">
            <p className="font-medium">Review the seeded defaults.</p>
            <p>
              Each tool got a default from its annotations and the verb in its name: reads run automatically, writes and anything unfamiliar
              need technician approval. Start conservative — keep unfamiliar writes on approval — and Save once you have reviewed them.
            </p>
          </Notice>
        ) : null
      ) : null}
      {detail.policiesReviewedAt ? (
        <p className="text-sm text-slate-600" data-testid="live-version">
          Live for agents since {new Date(detail.toolsetChangedAt).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "medium" })} —
          version {detail.toolsetVersion}
          {detail.lastSavedByName ? ` · last saved by ${detail.lastSavedByName}` : ""}
        </p>
      ) : null}
      {!isAdmin ? <Notice tone="info">You can read these policies; only admins can change them.</Notice> : null}
      {notice ? <Notice tone={notice.tone}>{notice.text}</Notice> : null}
      {error ? (
        <Notice tone="error">
          <p>{error.message}</p>
          {error.stale ? (
            <Button size="sm" variant="secondary" className="mt-2" onClick={() => window.location.reload()}>
              Reload the current policies
            </Button>
          ) : null}
        </Notice>
      ) : null}
      {flaggedIds.length > 0 ? (
        <Notice tone="warning">
          {flaggedIds.length} tool{flaggedIds.length === 1 ? "" : "s"} changed upstream since last reviewed. Until confirmed, they need
          approval whatever their policy says.
          {isAdmin ? (
            <Button
              size="sm"
              variant="secondary"
              className="ml-2"
              onClick={() => onConfirm(flaggedIds)}
              disabled={drafts.size > 0}
              title={drafts.size > 0 ? "Save or discard your changes first" : undefined}
            >
              Confirm all new definitions
            </Button>
          ) : null}
        </Notice>
      ) : null}

      <div className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-3 lg:flex-row lg:flex-wrap lg:items-center">
        <TextInput
          type="search"
          aria-label="Search tools"
          placeholder="Search name or description"
          value={filters.query}
          onChange={(event) => setFilters({ ...filters, query: event.target.value })}
          className="lg:max-w-xs"
        />
        <SelectInput
          aria-label="Filter by policy"
          value={filters.policy}
          onChange={(event) => setFilters({ ...filters, policy: event.target.value as Filters["policy"] })}
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
            onChange={(event) => setFilters({ ...filters, changedSinceSeeded: event.target.checked })}
          />
          Changed since seeded
        </label>
        <label className="flex min-h-10 items-center gap-2 text-sm">
          <input
            type="checkbox"
            className="h-5 w-5"
            checked={filters.flagged}
            onChange={(event) => setFilters({ ...filters, flagged: event.target.checked })}
          />
          <span>
            Flagged <span className="text-slate-500">(changed upstream, needs review)</span>
          </span>
        </label>
        <span className="text-sm text-slate-500 lg:ml-auto" aria-live="polite">
          {visible.length} of {tools.length} tools
        </span>
      </div>

      {isAdmin ? (
        <div className="flex flex-col gap-3 text-sm sm:flex-row sm:flex-wrap sm:items-center">
          <label className="flex min-h-10 items-center gap-2">
            <input
              type="checkbox"
              className="h-5 w-5"
              checked={allVisibleSelected}
              onChange={(event) => setSelected(event.target.checked ? new Set(visible.map((tool) => tool.id)) : new Set())}
            />
            Select all shown
          </label>
          <div className="flex items-center gap-2">
            <SelectInput
              aria-label="Policy for the selected tools"
              value={bulkPolicy}
              onChange={(event) => setBulkPolicy(event.target.value as ToolPolicy)}
              className="w-auto"
            >
              {(Object.keys(POLICY_LABELS) as ToolPolicy[]).map((policy) => (
                <option key={policy} value={policy}>
                  {POLICY_LABELS[policy]}
                </option>
              ))}
            </SelectInput>
            <Button size="sm" variant="secondary" onClick={applyBulk} disabled={selected.size === 0}>
              Set for {selected.size} selected
            </Button>
          </div>
          {copySources.length > 0 ? (
            <div className="flex items-center gap-2 sm:ml-auto">
              <SelectInput
                aria-label="Copy policies from"
                value={copyFrom}
                onChange={(event) => setCopyFrom(event.target.value)}
                className="w-auto"
              >
                {copySources.map((source) => (
                  <option key={source.id} value={source.id}>
                    {source.name}
                  </option>
                ))}
              </SelectInput>
              <Button size="sm" variant="secondary" onClick={applyCopy}>
                Copy policies
              </Button>
            </div>
          ) : null}
        </div>
      ) : null}

      {tools.length === 0 ? (
        <EmptyState title="This integration offers no tools">
          When the upstream adds tools, re-sync to discover them; each gets a default policy.
        </EmptyState>
      ) : visible.length === 0 ? (
        <EmptyState title="No tool matches these filters">Clear the search or the filters to see every tool.</EmptyState>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" aria-label="Tools">
          {visible.slice(0, limit).map((tool) => (
            <ToolRow
              key={tool.id}
              tool={tool}
              choice={current(tool)}
              changed={drafts.has(tool.id)}
              selected={selected.has(tool.id)}
              switchedOff={switchedOff.has(tool.id)}
              isAdmin={isAdmin}
              integration={detail}
              reach={reach}
              onPolicy={onPolicyChange}
              onManager={(target, value) => setChoice(target.id, { policy: current(target).policy, managerApproval: value })}
              onSelect={(target, value) =>
                setSelected((previous) => {
                  const copy = new Set(previous);
                  if (value) copy.add(target.id);
                  else copy.delete(target.id);
                  return copy;
                })
              }
              onConfirm={drafts.size === 0 ? (target) => onConfirm([target.id]) : null}
            />
          ))}
        </ul>
      )}
      {visible.length > limit ? (
        <Button variant="secondary" onClick={() => setLimit(limit + PAGE)}>
          Show {Math.min(PAGE, visible.length - limit)} more of {visible.length - limit}
        </Button>
      ) : null}

      {drafts.size > 0 && isAdmin ? (
        <div
          className="fixed inset-x-0 bottom-0 z-40 border-t border-slate-200 bg-white/95 px-4 py-3 shadow-lg backdrop-blur lg:left-60"
          role="region"
          aria-label="Unsaved changes"
        >
          <div className="mx-auto flex max-w-5xl items-center justify-between gap-3">
            <p className="text-sm font-medium text-slate-900" data-testid="unsaved-count">
              {drafts.size} unsaved change{drafts.size === 1 ? "" : "s"}
            </p>
            <div className="flex gap-2">
              <Button
                variant="secondary"
                onClick={() => {
                  setDrafts(new Map());
                  setSwitchedOff(new Set());
                  setNotice(null);
                }}
              >
                Discard
              </Button>
              <Button onClick={onSave} disabled={save.isPending}>
                {save.isPending ? "Saving…" : "Save"}
              </Button>
            </div>
          </div>
        </div>
      ) : null}
    </div>
  );
}

type RowProps = {
  tool: ToolPolicyRow;
  choice: Choice;
  changed: boolean;
  selected: boolean;
  switchedOff: boolean;
  isAdmin: boolean;
  integration: IntegrationDetail;
  reach: ExplainReach;
  onPolicy: (tool: ToolPolicyRow, policy: ToolPolicy) => void;
  onManager: (tool: ToolPolicyRow, value: boolean) => void;
  onSelect: (tool: ToolPolicyRow, value: boolean) => void;
  onConfirm: ((tool: ToolPolicyRow) => void) | null;
};

/** One tool's controls. Memoised: with 1,000 tools only the rows that change re-render. */
const ToolRow = memo(function ToolRow({
  tool,
  choice,
  changed,
  selected,
  switchedOff,
  isAdmin,
  integration,
  reach,
  onPolicy,
  onManager,
  onSelect,
  onConfirm,
}: RowProps) {
  const [expanded, setExpanded] = useState(false);
  const [explaining, setExplaining] = useState(false);
  const label = tool.title ?? tool.name;
  return (
    <li className={cx("p-4", changed && "bg-amber-50/60")} data-testid={`tool-${tool.name}`} data-changed={changed || undefined}>
      <div className="grid gap-3 md:grid-cols-[auto_minmax(0,1fr)_18rem_auto] md:items-start">
        {isAdmin ? (
          <input
            type="checkbox"
            aria-label={`Select ${label}`}
            className="mt-1 hidden h-5 w-5 md:block"
            checked={selected}
            onChange={(event) => onSelect(tool, event.target.checked)}
          />
        ) : (
          <span className="hidden md:block" />
        )}
        <div className="min-w-0">
          <p className="flex flex-wrap items-center gap-2">
            <span className="font-medium text-slate-900">{label}</span>
            {tool.title ? <code className="text-xs text-slate-500">{tool.name}</code> : null}
            {changed ? <Badge tone="amber">Unsaved</Badge> : null}
            {tool.flaggedAt ? (
              <Badge tone="red" title="Its description, input schema or annotations changed upstream">
                Changed upstream
              </Badge>
            ) : null}
            {tool.reviewNote ? (
              <Badge tone="amber" title={tool.reviewNote}>
                Review
              </Badge>
            ) : null}
            {tool.readOnly ? <Badge>Read-only</Badge> : null}
          </p>
          <p className={cx("mt-1 text-sm text-slate-600", !expanded && "line-clamp-1")}>{tool.description || "No description."}</p>
          <p className="mt-1 text-xs text-slate-500">
            Seeded: {POLICY_SHORT_LABELS[tool.seededPolicy]} — {tool.seededReason}
            {tool.managerApprovalSuggested && !choice.managerApproval ? " · Manager Approval suggested" : ""}
          </p>
          <div className="mt-2 flex flex-wrap gap-3 text-sm">
            <button
              type="button"
              className="min-h-8 text-brand-700 hover:underline"
              aria-expanded={expanded}
              onClick={() => setExpanded(!expanded)}
            >
              {expanded ? "Hide details" : "Details and input schema"}
            </button>
            <button
              type="button"
              className="min-h-8 text-brand-700 hover:underline"
              aria-expanded={explaining}
              onClick={() => setExplaining(!explaining)}
            >
              What happens if the agent calls this?
            </button>
            {tool.flaggedAt && isAdmin && onConfirm ? (
              <button type="button" className="min-h-8 text-brand-700 hover:underline" onClick={() => onConfirm(tool)}>
                Confirm new definition
              </button>
            ) : null}
          </div>
        </div>
        <div>
          <label className="sr-only" htmlFor={`policy-${tool.id}`}>
            Policy for {label}
          </label>
          <SelectInput
            id={`policy-${tool.id}`}
            value={choice.policy}
            disabled={!isAdmin}
            onChange={(event) => onPolicy(tool, event.target.value as ToolPolicy)}
          >
            {(Object.keys(POLICY_LABELS) as ToolPolicy[]).map((policy) => (
              <option key={policy} value={policy}>
                {POLICY_LABELS[policy]}
              </option>
            ))}
          </SelectInput>
        </div>
        <div className="flex items-center gap-2">
          <Switch
            label={`Manager Approval for ${label}`}
            checked={choice.managerApproval}
            disabled={!isAdmin || choice.policy !== "approval_needed"}
            onChange={(value) => onManager(tool, value)}
          />
          <span className="text-sm text-slate-700">Manager Approval</span>
        </div>
      </div>
      {switchedOff && !choice.managerApproval ? (
        <p className="mt-2 text-sm text-amber-800" role="status">
          Manager Approval was switched off: it applies only to tools that need technician approval.
        </p>
      ) : null}
      {explaining ? (
        <div className="mt-3 rounded-md border border-brand-100 bg-brand-50 p-3 text-sm text-brand-900" data-testid="explain">
          {changed ? <p className="mb-1 font-medium">With your unsaved choice:</p> : null}
          <ul className="list-disc space-y-1 pl-5">
            {explainPolicy({
              toolName: tool.name,
              policy: choice.policy,
              managerApproval: choice.managerApproval,
              flagged: Boolean(tool.flaggedAt),
              integrationStatus: integration.status,
              integrationSlug: integration.slug,
              reach,
              readOnly: tool.readOnly,
              toolLimits: tool.toolLimits,
            }).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {expanded ? <ToolDefinition toolId={tool.id} /> : null}
    </li>
  );
});

function ToolDefinition({ toolId }: { toolId: string }) {
  const trpc = useTRPC();
  const { data, error, isPending } = useQuery(trpc.policies.toolDefinition.queryOptions({ toolId }));
  if (isPending) return <p className="mt-3 text-sm text-slate-500">Loading the definition…</p>;
  if (error) return <p className="mt-3 text-sm text-red-700">{error.message}</p>;
  return (
    <div className="mt-3 space-y-3 rounded-md border border-slate-200 bg-slate-50 p-3 text-sm">
      <p className="whitespace-pre-wrap text-slate-700">{data.description || "No description."}</p>
      <SchemaView schema={data.inputSchema} />
      <ToolEscalation toolId={toolId} />
      {Object.keys(data.annotations).length ? (
        <p className="text-xs text-slate-500">
          Annotations from the server (hints, not trust):{" "}
          {Object.entries(data.annotations)
            .map(([key, value]) => `${key}: ${String(value)}`)
            .join(", ")}
        </p>
      ) : null}
    </div>
  );
}
