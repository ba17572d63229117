"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ToolPolicy } from "@/db/schema";
import { POLICY_LABELS } from "@/components/integration-labels";
import { useTRPC } from "@/components/trpc/client";
import { messageOf, serviceCodeOf } from "@/components/trpc/errors";
import type { RouterOutputs } from "@/components/trpc/types";
import { Button } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { EmptyState, Notice } from "@/components/ui/layout";
import { BulkBar } from "./bulk-bar";
import { ImpactPreviewPanel } from "./impact-preview-panel";
import { choiceOf, type ToolPolicyRow } from "./policy-drafts";
import { filterTools, NO_FILTERS, PolicyFilters, type Filters } from "./policy-filters";
import type { BaselineToolStatusValue } from "./baseline-tool-status";
import { useSaveConfirmation } from "./save-confirmation";
import { ToolRow } from "./tool-row";
import { UnsavedBar } from "./unsaved-bar";
import { useLeaveWarning } from "./use-leave-warning";
import { usePolicyDrafts } from "./use-policy-drafts";

const PAGE = 200;
const NO_BASELINE: Record<string, BaselineToolStatusValue> = {};

export function ToolPolicyEditor({
  detail,
  tools,
  copySources,
  isAdmin,
  justConnected,
  reach,
  baselineStatus = NO_BASELINE,
}: {
  reach: RouterOutputs["approvals"]["reach"];
  /** Per tool id, when the integration follows a baseline: where its policy comes from. */
  baselineStatus?: Record<string, BaselineToolStatusValue>;
  detail: RouterOutputs["integrations"]["get"];
  tools: ToolPolicyRow[];
  copySources: Array<{ id: string; name: string }>;
  isAdmin: boolean;
  justConnected: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [state, dispatch] = usePolicyDrafts();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [limit, setLimit] = useState(PAGE);
  const [notice, setNotice] = useState<{ tone: "success" | "info" | "warning"; text: string } | null>(null);
  const [error, setError] = useState<{ message: string; stale: boolean } | null>(null);
  const saveConfirmation = useSaveConfirmation();
  const { drafts, selected, switchedOff } = state;
  useLeaveWarning(drafts.size > 0);

  const visible = useMemo(() => filterTools(tools, state, filters), [tools, state, filters]);

  const save = useMutation(trpc.policies.save.mutationOptions());
  const confirm = useMutation(trpc.policies.confirmDefinitions.mutationOptions());

  const showError = (caught: unknown) => setError({ message: messageOf(caught), stale: serviceCodeOf(caught) === "stale_revision" });

  async function onSave() {
    setError(null);
    const changes = [...drafts.entries()].map(([toolId, choice]) => ({ toolId, ...choice, rules: [...choice.rules] }));
    try {
      const result = await save.mutateAsync({ integrationId: detail.id, revision: detail.revision, changes });
      setNotice(null);
      dispatch({ type: "discard" }); // before show(): an edit clears the confirmation
      saveConfirmation.show(
        `Saved ${result.applied} change${result.applied === 1 ? "" : "s"}. Agents see them on their next call (toolset version ${result.toolsetVersion}).`,
      );
      router.refresh();
    } catch (caught) {
      showError(caught);
    }
  }

  // Rows get one callback for the editor's whole life (the memo holds); it calls the latest closure.
  const confirmLatest = useRef<(toolIds: string[]) => Promise<void>>(async () => undefined);
  useEffect(() => {
    confirmLatest.current = async (toolIds) => {
      setError(null);
      try {
        await confirm.mutateAsync({ integrationId: detail.id, revision: detail.revision, toolIds });
        router.refresh();
      } catch (caught) {
        showError(caught);
      }
    };
  });
  const confirmOne = useCallback((toolId: string) => void confirmLatest.current([toolId]), []);

  function applyBulk(policy: ToolPolicy) {
    dispatch({ type: "bulk", tools, policy });
    setNotice({
      tone: "info",
      text: `Set ${selected.size} tool${selected.size === 1 ? "" : "s"} to “${POLICY_LABELS[policy]}”. Review, then Save.`,
    });
  }

  async function applyCopy(fromIntegrationId: string) {
    setError(null);
    try {
      const source = await queryClient.fetchQuery(trpc.policies.copySource.queryOptions({ integrationId: detail.id, fromIntegrationId }));
      const names = new Set(source.map((row) => row.name));
      const matched = tools.filter((tool) => names.has(tool.name)).length;
      dispatch({ type: "copy", tools, source });
      const name = copySources.find((candidate) => candidate.id === fromIntegrationId)?.name ?? "the other integration";
      setNotice({
        tone: "info",
        text: `Copied the policies of ${matched} tool${matched === 1 ? "" : "s"} both integrations have from ${name}. Review, then Save.`,
      });
    } catch (caught) {
      setError({ message: messageOf(caught), stale: false });
    }
  }

  const flaggedIds = tools.filter((tool) => tool.flaggedAt).map((tool) => tool.id);
  const allVisibleSelected = visible.length > 0 && visible.every((tool) => selected.has(tool.id));

  return (
    <div className={cx("space-y-4", drafts.size > 0 ? "pb-64 sm:pb-48" : "pb-24")}>
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
              onClick={() => void confirmLatest.current(flaggedIds)}
              disabled={drafts.size > 0}
              title={drafts.size > 0 ? "Save or discard your changes first" : undefined}
            >
              Confirm all new definitions
            </Button>
          ) : null}
        </Notice>
      ) : null}

      <PolicyFilters filters={filters} onChange={setFilters} shown={visible.length} total={tools.length} />

      {isAdmin ? (
        <BulkBar
          allVisibleSelected={allVisibleSelected}
          selectedCount={selected.size}
          onSelectAll={(value) => dispatch({ type: "selectOnly", toolIds: value ? visible.map((tool) => tool.id) : [] })}
          onBulk={applyBulk}
          copySources={copySources}
          onCopy={applyCopy}
        />
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
              choice={choiceOf(state, tool)}
              changed={drafts.has(tool.id)}
              selected={selected.has(tool.id)}
              switchedOff={switchedOff.has(tool.id)}
              isAdmin={isAdmin}
              integration={detail}
              reach={reach}
              baselineStatus={baselineStatus[tool.id]}
              dispatch={dispatch}
              onConfirm={drafts.size === 0 ? confirmOne : null}
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
        <UnsavedBar
          count={drafts.size}
          saving={save.isPending}
          onDiscard={() => {
            dispatch({ type: "discard" });
            setNotice(null);
          }}
          onSave={onSave}
          preview={<ImpactPreviewPanel integrationId={detail.id} drafts={drafts} />}
        />
      ) : null}
    </div>
  );
}
