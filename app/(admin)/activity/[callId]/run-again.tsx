"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/layout";

/**
 * For an approved call that failed before reaching its upstream, or whose outcome is unknown: run it
 * again under the approvals already given (the server checks the expiry and the policy again).
 */
export function RunAgain({ callId, outcomeUnknown }: { callId: string; outcomeUnknown: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const runAgain = useMutation(
    trpc.approvals.runAgain.mutationOptions({ onSuccess: () => router.refresh(), onError: (caught) => setError(caught.message) }),
  );
  const question = outcomeUnknown
    ? "The upstream may have acted on this call. Run it again only if you checked that it did not. Run it again?"
    : "The request never reached the upstream. Run it again with the approvals already given?";
  return (
    <div className="mt-3 space-y-2">
      <p className="text-sm text-slate-600">
        {outcomeUnknown
          ? "Check in the upstream system whether it ran. If it did not, run it again — this is recorded in the audit log."
          : "The upstream was not reached, so nothing ran. You can run it again while the approval is valid — this is recorded in the audit log."}
      </p>
      <Button
        variant="secondary"
        onClick={() => {
          if (window.confirm(question)) runAgain.mutate({ callId, confirmUnknownOutcome: outcomeUnknown });
        }}
        disabled={runAgain.isPending}
      >
        Run again
      </Button>
      {error ? <Notice tone="error">{error}</Notice> : null}
    </div>
  );
}
