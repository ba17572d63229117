"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { BatchResult } from "@/server/approvals/batch";
import type { InboxItem } from "@/server/approvals/inbox";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { TextArea } from "@/components/ui/field";
import { Notice } from "@/components/ui/layout";

/**
 * The batch decision: the selected technician requests, each with the arguments that will run,
 * one comment, and Approve or Deny for all. The server decides each one on its own (every check of
 * a single decision), and the result says which were decided, which someone else decided first,
 * and which were refused, with why.
 */
export function BatchReview({ items, onClear }: { items: InboxItem[]; onClear: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [comment, setComment] = useState("");
  const [result, setResult] = useState<{ outcome: BatchResult; names: Map<string, InboxItem> } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const decide = useMutation(
    trpc.approvals.decideBatch.mutationOptions({
      onSuccess: (outcome) => {
        // The names as they were selected: decided requests leave the list on refresh.
        setResult({ outcome, names: new Map(items.map((item) => [item.id, item])) });
        setOpen(false);
        setComment("");
        onClear();
        router.refresh();
      },
      onError: (caught) => setError(caught.message),
    }),
  );
  const run = (decision: "approve" | "deny") => {
    setError(null);
    decide.mutate({ approvalRequestIds: items.map((item) => item.id), decision, comment: comment || undefined });
  };

  return (
    <div className="space-y-3">
      {result ? <BatchOutcome result={result.outcome} names={result.names} onDismiss={() => setResult(null)} /> : null}
      {items.length > 0 ? (
        <section className="rounded-lg border border-brand-200 bg-brand-50 p-4" aria-label="Batch decision" data-testid="batch">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <p className="text-sm font-medium text-brand-900">
              {items.length} request{items.length === 1 ? "" : "s"} selected
            </p>
            <div className="flex gap-2">
              <Button size="sm" variant="secondary" onClick={onClear}>
                Clear selection
              </Button>
              {!open ? (
                <Button size="sm" onClick={() => setOpen(true)}>
                  Review and decide {items.length}
                </Button>
              ) : null}
            </div>
          </div>
          {open ? (
            <div className="mt-3 space-y-3">
              <p className="text-sm text-slate-700">
                Each request is decided on its own, with every check of a single decision; one already decided by someone else is reported,
                not changed.
              </p>
              <ol className="space-y-2" aria-label="Selected requests">
                {items.map((item) => (
                  <li key={item.id} className="rounded border border-slate-200 bg-white p-3 text-sm" data-testid={`batch-item-${item.id}`}>
                    <p className="font-medium text-slate-900">
                      “{item.call.tool}” on {item.call.integration}
                      {item.call.clientName ? ` for ${item.call.clientName}` : ""}
                    </p>
                    <p className="text-xs text-slate-600">
                      Requester: {item.call.requesterName ?? item.call.requesterEmail ?? "none named"} · asked by {item.call.agentName}
                      {item.votes && item.votes.required > 1 ? ` · ${item.votes.given} of ${item.votes.required} technicians approved` : ""}
                    </p>
                    <pre className="mt-1 max-h-40 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 text-xs">
                      {item.call.argumentsSummary.text}
                    </pre>
                    {item.call.argumentsSummary.shortened ? (
                      <Link href={`/activity/${item.call.id}`} className="text-xs font-medium text-amber-800 underline">
                        Shortened: read the arguments in full
                      </Link>
                    ) : null}
                  </li>
                ))}
              </ol>
              <TextArea
                aria-label="Comment for every selected request"
                placeholder="Comment (optional, recorded on each request)"
                rows={2}
                value={comment}
                onChange={(event) => setComment(event.target.value)}
              />
              {error ? <Notice tone="error">{error}</Notice> : null}
              <div className="flex flex-wrap gap-2">
                <Button onClick={() => run("approve")} disabled={decide.isPending}>
                  Approve {items.length}
                </Button>
                <Button variant="danger" onClick={() => run("deny")} disabled={decide.isPending}>
                  Deny {items.length}
                </Button>
                <Button variant="secondary" onClick={() => setOpen(false)} disabled={decide.isPending}>
                  Back
                </Button>
              </div>
            </div>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

function BatchOutcome({ result, names, onDismiss }: { result: BatchResult; names: Map<string, InboxItem>; onDismiss: () => void }) {
  const label = (id: string) => {
    const item = names.get(id);
    return item ? `“${item.call.tool}” for ${item.call.requesterName ?? item.call.requesterEmail ?? "no named requester"}` : id;
  };
  const others = result.items.filter((item) => item.outcome !== "decided");
  return (
    <Notice tone={others.length ? "warning" : "success"}>
      <div data-testid="batch-result">
        <p className="font-medium">
          Decided {result.decided} of {result.items.length}.{result.alreadyDecided ? ` ${result.alreadyDecided} were already decided.` : ""}
          {result.refused ? ` ${result.refused} could not be decided by you.` : ""}
        </p>
        {others.length ? (
          <ul className="mt-1 list-disc pl-5 text-sm">
            {others.map((item) => (
              <li key={item.approvalRequestId}>
                {label(item.approvalRequestId)}:{" "}
                {item.outcome === "already_decided"
                  ? (item.reason ?? `already ${item.status}${item.decidedBy ? ` by ${item.decidedBy}` : ""}`)
                  : item.outcome === "refused"
                    ? item.message
                    : null}
              </li>
            ))}
          </ul>
        ) : null}
        <button type="button" className="mt-1 text-sm underline" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    </Notice>
  );
}
