"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { SelectInput } from "@/components/ui/field";

/**
 * "Approve, and allow this again for N hours": every argument starts pinned to the value shown;
 * unpinning one shows it as "any value" before the approver confirms. The requester is part of the
 * grant only when a ticket verified them (an agent-named requester is the agent's claim).
 */
export function GrantChoice({
  argumentNames,
  maxHours,
  requesterVerified,
  requester,
  agentName,
  disabled,
  onConfirm,
}: {
  argumentNames: string[];
  maxHours: number;
  requesterVerified: boolean;
  requester: string | null;
  agentName: string;
  disabled: boolean;
  onConfirm: (grant: { hours: number; unpinned: string[] }) => void;
}) {
  const [open, setOpen] = useState(false);
  const [hours, setHours] = useState(1);
  const [unpinned, setUnpinned] = useState<string[]>([]);
  if (maxHours < 1) return null;
  if (!open)
    return (
      <Button variant="secondary" onClick={() => setOpen(true)} disabled={disabled}>
        Approve, and allow this again…
      </Button>
    );
  const toggle = (name: string) =>
    setUnpinned((current) => (current.includes(name) ? current.filter((item) => item !== name) : [...current, name]));
  return (
    <fieldset className="w-full space-y-3 rounded-md border border-green-200 bg-green-50 p-3 text-sm" data-testid="grant-choice">
      <legend className="px-1 font-medium text-slate-900">Allow this again without asking</legend>
      <label className="flex flex-wrap items-center gap-2">
        <span>For the next</span>
        <SelectInput aria-label="Hours" value={hours} onChange={(event) => setHours(Number(event.target.value))} className="w-24">
          {Array.from({ length: maxHours }, (_, index) => index + 1).map((value) => (
            <option key={value} value={value}>
              {value} h
            </option>
          ))}
        </SelectInput>
        <span>{agentName} may run the same tool for the same client with these values at once:</span>
      </label>
      <ul className="space-y-1">
        {argumentNames.map((name) => (
          <li key={name} className="flex flex-wrap items-center gap-2">
            <label className="flex items-center gap-2">
              <input type="checkbox" checked={!unpinned.includes(name)} onChange={() => toggle(name)} aria-label={`Pin ${name}`} />
              <code className="break-all">{name}</code>
            </label>
            <span className={unpinned.includes(name) ? "font-medium text-amber-800" : "text-slate-600"}>
              {unpinned.includes(name) ? "any value" : "the value shown above"}
            </span>
          </li>
        ))}
        <li className="text-slate-600">
          Requester:{" "}
          {requesterVerified && requester
            ? `${requester} only (verified by the ticket)`
            : "any — the requester was not verified by a ticket, so it is not part of the grant"}
        </li>
      </ul>
      <div className="flex flex-wrap gap-2">
        <Button onClick={() => onConfirm({ hours, unpinned })} disabled={disabled}>
          Approve and allow for {hours} h
        </Button>
        <Button variant="secondary" onClick={() => setOpen(false)} disabled={disabled}>
          Cancel
        </Button>
      </div>
    </fieldset>
  );
}
