"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import type { RouterOutputs } from "@/components/trpc/types";
import type { Choice } from "./policy-drafts";

type Preview = RouterOutputs["policies"]["previewImpact"];
const WINDOWS = [1, 7, 30] as const;
const DEBOUNCE_MS = 400;

const OUTCOMES = [
  { key: "auto", label: "would run automatically" },
  { key: "approval", label: "would need approval" },
  { key: "refused", label: "would be refused" },
] as const;

/** The value, once it has stopped changing for `ms` (a burst of dropdown changes asks once). */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

const plural = (count: number, word: string) => `${count.toLocaleString("en")} ${word}${count === 1 ? "" : "s"}`;

/**
 * What the unsaved draft would have done to the integration's recent calls, next to what actually
 * happened (server/policy/impact-preview.ts decides each call with the gateway's decide()).
 */
export function ImpactPreviewPanel({ integrationId, drafts }: { integrationId: string; drafts: ReadonlyMap<string, Choice> }) {
  const trpc = useTRPC();
  const [days, setDays] = useState<number>(7);
  const changes = useMemo(
    () =>
      [...drafts].map(([toolId, choice]) => ({
        toolId,
        policy: choice.policy,
        managerApproval: choice.managerApproval,
        // The draft's rules decide with each stored call's arguments.
        rules: [...choice.rules],
      })),
    [drafts],
  );
  const settled = useSettled(changes, DEBOUNCE_MS);
  const { data, error, isFetching } = useQuery({
    ...trpc.policies.previewImpact.queryOptions({ integrationId, changes: settled, days }),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
  const updating = isFetching || settled !== changes;
  return (
    <section
      className="mx-auto mb-2 max-w-5xl border-b border-slate-200 pb-2 text-sm text-slate-700"
      aria-label="Impact preview"
      aria-busy={updating}
      data-testid="impact-preview"
    >
      <p className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <span className="font-medium text-slate-900">If saved, over the calls of the last</span>
        <select
          aria-label="Preview window"
          className="rounded border border-slate-300 bg-white px-1 py-0.5"
          value={days}
          onChange={(event) => setDays(Number(event.target.value))}
        >
          {WINDOWS.map((value) => (
            <option key={value} value={value}>
              {plural(value, "day")}
            </option>
          ))}
        </select>
        {updating ? <span className="text-slate-500">updating…</span> : null}
      </p>
      {error ? (
        <p className="text-red-700">The preview could not be computed: {error.message}</p>
      ) : data ? (
        <PreviewFigures preview={data} integrationId={integrationId} />
      ) : (
        <p className="text-slate-500">Computing what this change would have done…</p>
      )}
    </section>
  );
}

function PreviewFigures({ preview, integrationId }: { preview: Preview; integrationId: string }) {
  if (preview.evaluated === 0) return <p className="text-slate-500">No calls in this window to compare with.</p>;
  const since = new Date(preview.since).toISOString().slice(0, 10);
  const activity = `/activity?${new URLSearchParams({
    integration: integrationId,
    tools: preview.changedByTool.map((row) => row.toolName).join(","),
    from: since,
  })}`;
  return (
    <>
      <ul className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
        {OUTCOMES.map(({ key, label }) => (
          <li key={key} data-testid={`impact-${key}`}>
            <span className="font-semibold text-slate-900">{preview.draft[key].toLocaleString("en")}</span> {label}{" "}
            <span className="text-slate-500">(actually {preview.actual[key].toLocaleString("en")})</span>
          </li>
        ))}
      </ul>
      <p className="mt-1" data-testid="impact-changed">
        {preview.changed === 0 ? (
          `None of these ${plural(preview.evaluated, "call")} would have gone differently.`
        ) : (
          <>
            {plural(preview.changed, "call")} of {preview.evaluated.toLocaleString("en")} would have gone differently (
            {preview.changedByTool
              .slice(0, 3)
              .map((row) => `${row.toolName} ${row.calls}`)
              .join(", ")}
            {preview.changedByTool.length > 3 ? ", …" : ""}) ·{" "}
            <Link href={activity} className="text-brand-700 hover:underline" target="_blank">
              See these tools&apos; calls in Activity
            </Link>
          </>
        )}
        {preview.sampled ? ` Only the ${preview.limit.toLocaleString("en")} most recent calls of the window were evaluated.` : ""}
      </p>
      <p className="mt-1 text-xs text-slate-500">
        Each call is decided again with the draft as the gateway would, assuming nothing else (pauses, keys, limits) stopped it;
        {preview.refusedOtherwise
          ? ` ${plural(preview.refusedOtherwise, "call")} refused for such other reasons stay refused.`
          : " calls refused for such other reasons stay refused."}
      </p>
    </>
  );
}
