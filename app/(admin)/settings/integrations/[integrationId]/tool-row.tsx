"use client";

import { useQuery } from "@tanstack/react-query";
import { memo, useState, type Dispatch } from "react";
import type { ToolPolicy } from "@/db/schema";
import { POLICY_LABELS, POLICY_SHORT_LABELS } from "@/components/integration-labels";
import { useTRPC } from "@/components/trpc/client";
import type { RouterOutputs } from "@/components/trpc/types";
import { cx } from "@/components/ui/cx";
import { SelectInput } from "@/components/ui/field";
import { Badge } from "@/components/ui/layout";
import { Switch } from "@/components/ui/switch";
import { BaselineToolStatus, type BaselineToolStatusValue } from "./baseline-tool-status";
import { ExplainPanel } from "./explain-panel";
import type { Choice, DraftAction, ToolPolicyRow } from "./policy-drafts";
import { SchemaView } from "./schema-view";
import { TechnicianApprovalsControl } from "./technician-approvals-control";
import { ToolEscalation } from "./tool-escalation";
import { ToolRulesEditor } from "./tool-rules-editor";

export type ToolRowProps = {
  tool: ToolPolicyRow;
  choice: Choice;
  changed: boolean;
  selected: boolean;
  switchedOff: boolean;
  isAdmin: boolean;
  integration: RouterOutputs["integrations"]["get"];
  reach: RouterOutputs["approvals"]["reach"];
  /** Where the policy comes from, when the integration follows a baseline. */
  baselineStatus: BaselineToolStatusValue | undefined;
  /** The reducer's dispatch: stable, so it does not defeat the memo. */
  dispatch: Dispatch<DraftAction>;
  /** Stable; null while there are unsaved drafts (confirming re-reads the page). */
  onConfirm: ((toolId: string) => void) | null;
};

/**
 * One tool's controls. Memoised, and every prop is stable unless this tool's own state changed
 * (its choice object is the same draft or saved value; `dispatch` and `onConfirm` keep their
 * identity), so with 1,000 tools a keystroke in the search box or an edit of one row re-renders
 * only that row.
 */
export const ToolRow = memo(function ToolRow({
  tool,
  choice,
  changed,
  selected,
  switchedOff,
  isAdmin,
  integration,
  reach,
  baselineStatus,
  dispatch,
  onConfirm,
}: ToolRowProps) {
  const [expanded, setExpanded] = useState(false);
  const [explaining, setExplaining] = useState(false);
  const label = tool.title ?? tool.name;
  return (
    <li className={cx("p-4", changed && "bg-amber-50/60")} data-testid={`tool-${tool.name}`} data-changed={changed || undefined}>
      <div className="grid gap-3 md:grid-cols-[auto_minmax(0,1fr)_18rem_auto_auto] md:items-start">
        {isAdmin ? (
          <input
            type="checkbox"
            aria-label={`Select ${label}`}
            className="mt-1 hidden h-5 w-5 md:block"
            checked={selected}
            onChange={(event) => dispatch({ type: "select", toolId: tool.id, selected: event.target.checked })}
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
            {baselineStatus ? (
              <BaselineToolStatus
                status={baselineStatus}
                integrationId={integration.id}
                toolId={tool.id}
                revision={integration.revision}
                isAdmin={isAdmin}
              />
            ) : null}
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
              <button type="button" className="min-h-8 text-brand-700 hover:underline" onClick={() => onConfirm(tool.id)}>
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
            onChange={(event) => dispatch({ type: "policy", tool, policy: event.target.value as ToolPolicy })}
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
            onChange={(value) => dispatch({ type: "manager", tool, managerApproval: value })}
          />
          <span className="text-sm text-slate-700">Manager Approval</span>
        </div>
        <TechnicianApprovalsControl
          integrationId={integration.id}
          revision={integration.revision}
          tool={{ ...tool, label }}
          isAdmin={isAdmin}
        />
      </div>
      {/* Anything that refines the policy mounts here, full width under the dropdown's row. */}
      <ToolRulesEditor
        toolId={tool.id}
        toolLabel={label}
        rules={choice.rules}
        own={choice}
        isAdmin={isAdmin}
        onChange={(rules) => dispatch({ type: "rules", tool, rules })}
      />
      {switchedOff && !choice.managerApproval ? (
        <p className="mt-2 text-sm text-amber-800" role="status">
          Manager Approval was switched off: it applies only to tools that need technician approval.
        </p>
      ) : null}
      {explaining ? (
        <ExplainPanel
          changed={changed}
          input={{
            toolName: tool.name,
            policy: choice.policy,
            managerApproval: choice.managerApproval,
            technicianApprovals: tool.technicianApprovals,
            flagged: Boolean(tool.flaggedAt),
            integrationStatus: integration.status,
            integrationSlug: integration.slug,
            reach,
            readOnly: tool.readOnly,
            toolLimits: tool.toolLimits,
            rules: choice.rules,
            definitionHash: tool.definitionHash,
            grants: tool.grants,
          }}
        />
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
