"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { POLICY_SHORT_LABELS } from "@/components/integration-labels";
import { useTRPC } from "@/components/trpc/client";
import type { RouterOutputs } from "@/components/trpc/types";
import { Button } from "@/components/ui/button";
import { EmptyState, Notice } from "@/components/ui/layout";
import type { ToolPolicy } from "@/db/schema";
import { conditionText, OUTCOME_WORDS, type PolicyRule } from "@/server/policy/rules";

type Entry = RouterOutputs["policies"]["history"][number];
type ToolPolicyRow = RouterOutputs["policies"]["tools"][number];

const rulesWords = (rules: PolicyRule[]) =>
  rules.length ? rules.map((rule, index) => `${index + 1}. ${conditionText(rule)} → ${OUTCOME_WORDS(rule.then)}`).join("; ") : "none";
const describe = (policy: ToolPolicy, manager: boolean) => `${POLICY_SHORT_LABELS[policy]}${manager ? " + manager" : ""}`;
const SOURCES: Record<string, string> = {
  save: "saved",
  restore_default: "restored the default",
  copy: "copied",
  confirm_definition: "confirmed",
  baseline: "applied the baseline",
};

export function PolicyHistory({
  integrationId,
  revision,
  entries,
  tools,
  isAdmin,
}: {
  integrationId: string;
  revision: number;
  entries: Entry[];
  tools: ToolPolicyRow[];
  isAdmin: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const restore = useMutation(
    trpc.policies.restoreDefault.mutationOptions({
      onError: (caught) => setError(caught.message),
      onSuccess: () => (setError(null), router.refresh()),
    }),
  );
  const differing = tools.filter((tool) => tool.policy !== tool.seededPolicy || tool.managerApproval);
  return (
    <div className="space-y-6">
      {error ? <Notice tone="error">{error}</Notice> : null}
      {isAdmin && differing.length > 0 ? (
        <section>
          <h2 className="mb-2 text-base font-semibold text-slate-900">Differ from their seeded default</h2>
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
            {differing.map((tool) => (
              <li key={tool.id} className="flex flex-col gap-2 p-3 text-sm sm:flex-row sm:items-center sm:justify-between">
                <span>
                  <code className="font-medium">{tool.name}</code>: {describe(tool.policy, tool.managerApproval)} (default{" "}
                  {POLICY_SHORT_LABELS[tool.seededPolicy]} — {tool.seededReason})
                </span>
                <Button
                  size="sm"
                  variant="secondary"
                  onClick={() => restore.mutate({ integrationId, toolId: tool.id, revision })}
                  disabled={restore.isPending}
                >
                  Restore default
                </Button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section>
        <h2 className="mb-2 text-base font-semibold text-slate-900">Changes</h2>
        {entries.length === 0 ? (
          <EmptyState title="No policy changes yet">Every save records, per tool, who changed what and when.</EmptyState>
        ) : (
          <ol className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white text-sm">
            {entries.map((entry) => (
              <li key={entry.id} className="p-3">
                <p>
                  <span className="font-medium">{entry.by ?? "Someone"}</span> {SOURCES[entry.source] ?? entry.source}{" "}
                  <code>{entry.toolName}</code>: {describe(entry.fromPolicy, entry.fromManagerApproval)} →{" "}
                  <span className="font-medium">{describe(entry.toPolicy, entry.toManagerApproval)}</span>
                </p>
                {JSON.stringify(entry.fromRules) !== JSON.stringify(entry.toRules) ? (
                  <p className="text-slate-600 wrap-anywhere" data-testid="history-rules">
                    Rules: {rulesWords(entry.fromRules)} → <span className="font-medium">{rulesWords(entry.toRules)}</span>
                  </p>
                ) : null}
                <p className="text-xs text-slate-500">
                  <time dateTime={new Date(entry.at).toISOString()}>
                    {new Date(entry.at).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" })}
                  </time>
                </p>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
