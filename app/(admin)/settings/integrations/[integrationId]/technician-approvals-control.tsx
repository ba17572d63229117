"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ToolPolicy } from "@/db/schema";
import { useTRPC } from "@/components/trpc/client";
import { SelectInput } from "@/components/ui/field";

/**
 * The two-person rule of one tool: how many different technicians must approve its calls. Saved at
 * once, as a policy save of this tool alone (same revision check, history and audit); it applies
 * only while the saved policy is "Needs technician approval".
 */
export function TechnicianApprovalsControl({
  integrationId,
  revision,
  tool,
  isAdmin,
}: {
  integrationId: string;
  revision: number;
  tool: { id: string; label: string; policy: ToolPolicy; managerApproval: boolean; technicianApprovals: number };
  isAdmin: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const save = useMutation(trpc.policies.save.mutationOptions());
  const [error, setError] = useState<string | null>(null);
  const applies = tool.policy === "approval_needed";

  async function onChange(technicianApprovals: number) {
    setError(null);
    try {
      await save.mutateAsync({
        integrationId,
        revision,
        changes: [{ toolId: tool.id, policy: tool.policy, managerApproval: tool.managerApproval, technicianApprovals }],
      });
      router.refresh();
    } catch (caught) {
      setError((caught as Error).message);
    }
  }

  return (
    <div className="flex flex-col gap-1">
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <span className="whitespace-nowrap">Technicians</span>
        <SelectInput
          aria-label={`Technicians who must approve ${tool.label}`}
          className="w-auto"
          value={String(tool.technicianApprovals)}
          disabled={!isAdmin || !applies || save.isPending}
          title={applies ? undefined : "Applies to tools that need technician approval (saved)"}
          onChange={(event) => onChange(Number(event.target.value))}
        >
          <option value="1">1</option>
          <option value="2">2 different</option>
          <option value="3">3 different</option>
        </SelectInput>
      </label>
      {error ? (
        <p className="text-sm text-red-700" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
