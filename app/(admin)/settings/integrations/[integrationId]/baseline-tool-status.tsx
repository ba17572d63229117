"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Badge } from "@/components/ui/layout";

export type BaselineToolStatusValue = "from_baseline" | "overridden";

/** In a tool's row of a follower: "From baseline", or "Overridden here" with "Reset to baseline". */
export function BaselineToolStatus({
  status,
  integrationId,
  toolId,
  revision,
  isAdmin,
}: {
  status: BaselineToolStatusValue;
  integrationId: string;
  toolId: string;
  revision: number;
  isAdmin: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const reset = useMutation(trpc.baselines.resetTool.mutationOptions());
  const [error, setError] = useState<string | null>(null);
  if (status === "from_baseline")
    return (
      <Badge tone="blue" title="This tool's policy comes from the baseline and changes with it">
        From baseline
      </Badge>
    );
  return (
    <>
      <Badge tone="violet" title="Saved here differently from the baseline; baseline changes skip it">
        Overridden here
      </Badge>
      {isAdmin ? (
        <button
          type="button"
          className="min-h-8 text-xs font-medium text-brand-700 hover:underline disabled:text-slate-400"
          disabled={reset.isPending}
          onClick={async () => {
            setError(null);
            try {
              await reset.mutateAsync({ integrationId, toolId, revision });
              router.refresh();
            } catch (caught) {
              setError((caught as Error).message);
            }
          }}
        >
          {reset.isPending ? "Resetting…" : "Reset to baseline"}
        </button>
      ) : null}
      {error ? (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      ) : null}
    </>
  );
}
