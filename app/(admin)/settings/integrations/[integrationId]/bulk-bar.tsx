"use client";

import { useState } from "react";
import type { ToolPolicy } from "@/db/schema";
import { POLICY_LABELS } from "@/components/integration-labels";
import { Button } from "@/components/ui/button";
import { SelectInput } from "@/components/ui/field";

/** "Select all shown", "Set for N selected" and "Copy policies from": the editor applies them as drafts. */
export function BulkBar({
  allVisibleSelected,
  selectedCount,
  onSelectAll,
  onBulk,
  copySources,
  onCopy,
}: {
  allVisibleSelected: boolean;
  selectedCount: number;
  onSelectAll: (selected: boolean) => void;
  onBulk: (policy: ToolPolicy) => void;
  copySources: ReadonlyArray<{ id: string; name: string }>;
  onCopy: (fromIntegrationId: string) => void;
}) {
  const [bulkPolicy, setBulkPolicy] = useState<ToolPolicy>("approval_needed");
  const [copyFrom, setCopyFrom] = useState(copySources[0]?.id ?? "");
  return (
    <div className="flex flex-col gap-3 text-sm sm:flex-row sm:flex-wrap sm:items-center">
      <label className="flex min-h-10 items-center gap-2">
        <input type="checkbox" className="h-5 w-5" checked={allVisibleSelected} onChange={(event) => onSelectAll(event.target.checked)} />
        Select all shown
      </label>
      <div className="flex items-center gap-2">
        <SelectInput
          aria-label="Policy for the selected tools"
          value={bulkPolicy}
          onChange={(event) => setBulkPolicy(event.target.value as ToolPolicy)}
          className="w-auto"
        >
          {(Object.keys(POLICY_LABELS) as ToolPolicy[]).map((policy) => (
            <option key={policy} value={policy}>
              {POLICY_LABELS[policy]}
            </option>
          ))}
        </SelectInput>
        <Button size="sm" variant="secondary" onClick={() => onBulk(bulkPolicy)} disabled={selectedCount === 0}>
          Set for {selectedCount} selected
        </Button>
      </div>
      {copySources.length > 0 ? (
        <div className="flex items-center gap-2 sm:ml-auto">
          <SelectInput
            aria-label="Copy policies from"
            value={copyFrom}
            onChange={(event) => setCopyFrom(event.target.value)}
            className="w-auto"
          >
            {copySources.map((source) => (
              <option key={source.id} value={source.id}>
                {source.name}
              </option>
            ))}
          </SelectInput>
          <Button size="sm" variant="secondary" onClick={() => copyFrom && onCopy(copyFrom)}>
            Copy policies
          </Button>
        </div>
      ) : null}
    </div>
  );
}
