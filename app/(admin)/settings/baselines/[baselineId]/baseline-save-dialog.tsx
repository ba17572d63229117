"use client";

import { useEffect, useRef } from "react";
import { Button } from "@/components/ui/button";
import { reachWords } from "../reach-words";

/** Says, before a baseline is saved, how many integrations and clients the change reaches. */
export function BaselineSaveDialog({
  changes,
  reach,
  followers,
  pending,
  onCancel,
  onConfirm,
}: {
  changes: number;
  reach: { integrations: number; clients: number };
  followers: Array<{ id: string; name: string; clientName: string | null }>;
  pending: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog
      ref={dialog}
      aria-labelledby="baseline-save-title"
      onCancel={onCancel}
      className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg border border-slate-200 bg-white p-5 shadow-xl backdrop:bg-slate-900/40"
    >
      <h2 id="baseline-save-title" className="text-lg font-semibold text-slate-900">
        Save {changes} change{changes === 1 ? "" : "s"} to the baseline?
      </h2>
      <p className="mt-2 text-sm text-slate-700" data-testid="baseline-reach">
        {reach.integrations === 0
          ? "No integration follows this baseline yet: nothing changes for agents."
          : `This changes ${reachWords(reach)} at once. Tools overridden at a client keep their own policy.`}
      </p>
      {followers.length ? (
        <ul className="mt-2 max-h-40 list-disc overflow-y-auto pl-5 text-sm text-slate-600">
          {followers.map((follower) => (
            <li key={follower.id}>
              {follower.name} · {follower.clientName ?? "Whole MSP"}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="mt-4 flex justify-end gap-2">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button onClick={onConfirm} disabled={pending}>
          {pending ? "Saving…" : `Save to ${reachWords(reach).replace("No followers", "the baseline")}`}
        </Button>
      </div>
    </dialog>
  );
}
