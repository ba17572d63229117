"use client";

import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";

/** The bar fixed at the bottom while there are drafts: the count, Discard and Save. */
export function UnsavedBar({
  count,
  saving,
  onDiscard,
  onSave,
  preview,
}: {
  count: number;
  saving: boolean;
  onDiscard: () => void;
  onSave: () => void;
  /** What the change would do (the impact preview), above the count. */
  preview?: ReactNode;
}) {
  return (
    <div
      className="fixed inset-x-0 bottom-0 z-40 border-t border-slate-200 bg-white/95 px-4 py-3 shadow-lg backdrop-blur lg:left-60"
      role="region"
      aria-label="Unsaved changes"
    >
      {preview}
      <div className="mx-auto flex max-w-5xl items-center justify-between gap-3">
        <p className="text-sm font-medium text-slate-900" data-testid="unsaved-count">
          {count} unsaved change{count === 1 ? "" : "s"}
        </p>
        <div className="flex gap-2">
          <Button variant="secondary" onClick={onDiscard}>
            Discard
          </Button>
          <Button onClick={onSave} disabled={saving}>
            {saving ? "Saving…" : "Save"}
          </Button>
        </div>
      </div>
    </div>
  );
}
