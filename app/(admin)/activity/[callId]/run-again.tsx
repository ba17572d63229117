"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/layout";

/** For a call whose outcome is unknown: run it again, once an admin has checked the upstream. */
export function RunAgain({ callId }: { callId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const runAgain = useMutation(
    trpc.approvals.runAgain.mutationOptions({ onSuccess: () => router.refresh(), onError: (caught) => setError(caught.message) }),
  );
  return (
    <div className="mt-3 space-y-2">
      <p className="text-sm text-slate-600">
        Check in the upstream system whether it ran. If it did not, run it again — this is recorded in the audit log.
      </p>
      <Button
        variant="secondary"
        onClick={() => {
          if (window.confirm("Run this call again? Only do so after checking that it did not run the first time."))
            runAgain.mutate({ callId });
        }}
        disabled={runAgain.isPending}
      >
        Run again
      </Button>
      {error ? <Notice tone="error">{error}</Notice> : null}
    </div>
  );
}
