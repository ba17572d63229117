"use client";

import { useId, useState } from "react";
import { explainPolicy, type ExplainInput } from "@/server/policy/explain";
import { TextArea } from "@/components/ui/field";

/** Parses the sample arguments typed in: an object, or why not in words. Empty: arguments unknown. */
function parseSample(text: string): { args: Record<string, unknown> | null; error: string | null } {
  if (text.trim() === "") return { args: null, error: null };
  try {
    const value: unknown = JSON.parse(text);
    if (!value || typeof value !== "object" || Array.isArray(value))
      return { args: null, error: 'Sample arguments must be a JSON object, such as {"group": "Marketing"}.' };
    return { args: value as Record<string, unknown>, error: null };
  } catch (error) {
    return { args: null, error: `Sample arguments are not valid JSON: ${(error as Error).message}` };
  }
}

/**
 * "What happens if the agent calls this?": the one decision's answer for the draft, in words. With
 * rules, sample arguments (JSON) say which rule applies.
 */
export function ExplainPanel({ input, changed }: { input: Omit<ExplainInput, "sampleArguments">; changed: boolean }) {
  const id = useId();
  const [sample, setSample] = useState("");
  const parsed = parseSample(sample);
  const hasRules = (input.rules?.length ?? 0) > 0;
  return (
    <div className="mt-3 rounded-md border border-brand-100 bg-brand-50 p-3 text-sm text-brand-900" data-testid="explain">
      {changed ? <p className="mb-1 font-medium">With your unsaved choice:</p> : null}
      {hasRules ? (
        <div className="mb-2">
          <label className="block text-xs font-medium" htmlFor={`${id}-sample`}>
            Sample arguments (JSON)
          </label>
          <TextArea
            id={`${id}-sample`}
            rows={2}
            placeholder='{"group": "Marketing"}'
            value={sample}
            onChange={(event) => setSample(event.target.value)}
            aria-invalid={parsed.error ? true : undefined}
            className="font-mono"
          />
          {parsed.error ? <p className="mt-1 text-red-700">{parsed.error}</p> : null}
        </div>
      ) : null}
      <ul className="list-disc space-y-1 pl-5">
        {explainPolicy({ ...input, sampleArguments: parsed.args }).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </div>
  );
}
