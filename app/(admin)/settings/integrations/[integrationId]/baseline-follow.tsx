"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { IntegrationBaseline } from "@/server/baselines/read";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { SelectInput, TextInput } from "@/components/ui/field";
import { Notice } from "@/components/ui/layout";

/**
 * The page-level baseline control: which baseline this integration follows (and stop following),
 * or follow one made for its kind, or make one from its current policies.
 */
export function BaselineFollow({
  integrationId,
  revision,
  baseline,
  isAdmin,
}: {
  integrationId: string;
  revision: number;
  baseline: IntegrationBaseline;
  isAdmin: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [chosen, setChosen] = useState(baseline.candidates[0]?.id ?? "");
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const follow = useMutation(trpc.baselines.follow.mutationOptions());
  const unfollow = useMutation(trpc.baselines.unfollow.mutationOptions());
  const create = useMutation(trpc.baselines.createFromIntegration.mutationOptions());
  const busy = follow.isPending || unfollow.isPending || create.isPending;

  async function run(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
      router.refresh();
    } catch (caught) {
      setError((caught as Error).message);
    }
  }

  if (baseline.following)
    return (
      <section aria-label="Baseline" className="mb-4 rounded-lg border border-brand-100 bg-brand-50 p-3 text-sm text-brand-900">
        <div className="flex flex-col gap-2 sm:flex-row sm:items-center sm:justify-between">
          <p>
            Follows the baseline{" "}
            <Link href={`/settings/baselines/${baseline.following.id}`} className="font-semibold underline">
              {baseline.following.name}
            </Link>
            . Tools marked “From baseline” change when it changes; a tool saved differently here is “Overridden here”.
          </p>
          {isAdmin ? (
            <Button
              size="sm"
              variant="secondary"
              disabled={busy}
              onClick={() => run(() => unfollow.mutateAsync({ integrationId, revision }))}
            >
              Stop following
            </Button>
          ) : null}
        </div>
        {error ? (
          <Notice tone="error" className="mt-2">
            {error}
          </Notice>
        ) : null}
      </section>
    );
  if (!isAdmin) return null;
  return (
    <details className="mb-4 rounded-lg border border-slate-200 bg-white p-3 text-sm" open={baseline.candidates.length > 0}>
      <summary className="min-h-8 cursor-pointer font-medium text-slate-900">Baseline: follows none</summary>
      <div className="mt-2 space-y-3">
        {baseline.candidates.length ? (
          <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
            <SelectInput
              aria-label="Baseline to follow"
              value={chosen}
              onChange={(event) => setChosen(event.target.value)}
              className="sm:w-64"
            >
              {baseline.candidates.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.name}
                </option>
              ))}
            </SelectInput>
            <Button
              size="sm"
              disabled={busy || !chosen}
              onClick={() => run(() => follow.mutateAsync({ integrationId, baselineId: chosen, revision }))}
            >
              Follow baseline
            </Button>
            <span className="text-slate-500">Its policies replace these tools’ policies, and later changes to it apply here.</span>
          </div>
        ) : null}
        <form
          className="flex flex-col gap-2 sm:flex-row sm:items-center"
          onSubmit={(event) => {
            event.preventDefault();
            void run(() => create.mutateAsync({ integrationId, revision, name }));
          }}
        >
          <TextInput
            aria-label="New baseline name"
            placeholder="Name, e.g. Standard directory"
            value={name}
            onChange={(event) => setName(event.target.value)}
            className="sm:w-64"
          />
          <Button size="sm" variant="secondary" type="submit" disabled={busy || !name.trim()}>
            Create a baseline from these policies
          </Button>
        </form>
        {error ? <Notice tone="error">{error}</Notice> : null}
      </div>
    </details>
  );
}
