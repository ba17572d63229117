"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ToolPolicy } from "@/db/schema";
import type { BaselineDetail } from "@/server/baselines/read";
import { POLICY_LABELS } from "@/components/integration-labels";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { SelectInput } from "@/components/ui/field";
import { Badge, EmptyState, Notice } from "@/components/ui/layout";
import { Switch } from "@/components/ui/switch";
import { reachWords } from "../reach-words";
import { BaselineSaveDialog } from "./baseline-save-dialog";

type Choice = { policy: ToolPolicy; managerApproval: boolean };

/** The baseline's tools, each with a policy and Manager Approval; one Save (confirmed) for all changes. */
export function BaselineEditor({ baseline, isAdmin }: { baseline: BaselineDetail; isAdmin: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [drafts, setDrafts] = useState<Map<string, Choice>>(() => new Map());
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const save = useMutation(trpc.baselines.save.mutationOptions());
  const stored = new Map(
    baseline.entries.map((entry) => [entry.toolName, { policy: entry.policy, managerApproval: entry.managerApproval }]),
  );

  function choose(toolName: string, next: Choice) {
    setSaved(null);
    setDrafts((previous) => {
      const copy = new Map(previous);
      const before = stored.get(toolName)!;
      if (before.policy === next.policy && before.managerApproval === next.managerApproval) copy.delete(toolName);
      else copy.set(toolName, next);
      return copy;
    });
  }

  async function onConfirm() {
    setError(null);
    try {
      const result = await save.mutateAsync({
        baselineId: baseline.id,
        revision: baseline.revision,
        entries: [...drafts.entries()].map(([toolName, choice]) => ({ toolName, ...choice })),
      });
      setConfirming(false);
      setDrafts(new Map());
      setSaved(
        `Saved. ${result.applied} tool polic${result.applied === 1 ? "y" : "ies"} changed across ${reachWords(result)}${
          result.toolsetVersion ? `; agents see them on their next call (toolset version ${result.toolsetVersion})` : ""
        }.`,
      );
      router.refresh();
    } catch (caught) {
      setConfirming(false);
      setError((caught as Error).message);
    }
  }

  return (
    <div className="min-w-0 space-y-4 pb-24">
      {!isAdmin ? <Notice tone="info">You can read this baseline; only admins can change it.</Notice> : null}
      {saved ? <Notice tone="success">{saved}</Notice> : null}
      {error ? <Notice tone="error">{error}</Notice> : null}
      {baseline.entries.length === 0 ? (
        <EmptyState title="This baseline names no tools">It was made from an integration that had no tools.</EmptyState>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" aria-label="Baseline tools">
          {baseline.entries.map((entry) => {
            const choice = drafts.get(entry.toolName) ?? stored.get(entry.toolName)!;
            const changed = drafts.has(entry.toolName);
            return (
              <li key={entry.toolName} className={changed ? "bg-amber-50/60 p-4" : "p-4"} data-testid={`baseline-tool-${entry.toolName}`}>
                <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_16rem_auto] sm:items-center">
                  <p className="flex min-w-0 flex-wrap items-center gap-2">
                    <code className="break-all font-medium text-slate-900">{entry.toolName}</code>
                    {changed ? <Badge tone="amber">Unsaved</Badge> : null}
                    {entry.rules.length ? <Badge tone="violet">{entry.rules.length} rules</Badge> : null}
                  </p>
                  <SelectInput
                    aria-label={`Policy for ${entry.toolName}`}
                    value={choice.policy}
                    disabled={!isAdmin}
                    onChange={(event) => {
                      const policy = event.target.value as ToolPolicy;
                      choose(entry.toolName, { policy, managerApproval: policy === "approval_needed" ? choice.managerApproval : false });
                    }}
                  >
                    {(Object.keys(POLICY_LABELS) as ToolPolicy[]).map((policy) => (
                      <option key={policy} value={policy}>
                        {POLICY_LABELS[policy]}
                      </option>
                    ))}
                  </SelectInput>
                  <div className="flex items-center gap-2">
                    <Switch
                      label={`Manager Approval for ${entry.toolName}`}
                      checked={choice.managerApproval}
                      disabled={!isAdmin || choice.policy !== "approval_needed"}
                      onChange={(value) => choose(entry.toolName, { policy: choice.policy, managerApproval: value })}
                    />
                    <span className="text-sm text-slate-700">Manager Approval</span>
                  </div>
                </div>
              </li>
            );
          })}
        </ul>
      )}
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
              <Button variant="secondary" onClick={() => setDrafts(new Map())}>
                Discard
              </Button>
              <Button onClick={() => setConfirming(true)}>Save…</Button>
            </div>
          </div>
        </div>
      ) : null}
      {confirming ? (
        <BaselineSaveDialog
          changes={drafts.size}
          reach={baseline.reach}
          followers={baseline.followers}
          pending={save.isPending}
          onCancel={() => setConfirming(false)}
          onConfirm={onConfirm}
        />
      ) : null}
    </div>
  );
}
