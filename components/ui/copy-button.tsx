"use client";

import { useState } from "react";
import { Button } from "./button";

/** Copies a secret shown once to the clipboard and says so; falls back to selecting it by hand. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <Button
      size="sm"
      variant="secondary"
      aria-label={`Copy ${label}`}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(value);
          setState("copied");
        } catch {
          setState("failed");
        }
      }}
    >
      {state === "copied" ? "Copied" : state === "failed" ? "Select and copy it by hand" : "Copy"}
    </Button>
  );
}
