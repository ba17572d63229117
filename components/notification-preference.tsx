"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { ApprovalNotify } from "@/db/schema";
import { useTRPC } from "./trpc/client";
import { SelectInput } from "./ui/field";

const CHOICES: Array<{ value: ApprovalNotify; label: string }> = [
  { value: "slack", label: "Slack" },
  { value: "email", label: "E-mail" },
  { value: "both", label: "Slack and e-mail" },
];

/** The signed-in user's own choice of how approval requests reach them (their account menu). */
export function NotificationPreference() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [saved, setSaved] = useState<string | null>(null);
  const query = trpc.users.myApprovalNotify.queryOptions();
  const { data } = useQuery(query);
  const save = useMutation(
    trpc.users.setMyApprovalNotify.mutationOptions({
      onSuccess: async () => {
        setSaved("Saved");
        await queryClient.invalidateQueries({ queryKey: query.queryKey });
      },
      onError: (error) => setSaved(error.message),
    }),
  );
  if (!data) return null;
  const note =
    !data.slack && !data.email
      ? "Neither is set up yet: requests only appear in Approvals."
      : data.approvalNotify !== "email" && !data.slack
        ? "Slack is not connected: you get e-mail instead."
        : data.approvalNotify !== "slack" && !data.email
          ? "E-mail is not set up: you get Slack instead."
          : null;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-xs font-medium text-slate-700">
        Notify me of approval requests by
      </label>
      <SelectInput
        id={id}
        value={data.approvalNotify}
        disabled={save.isPending}
        onChange={(event) => {
          setSaved(null);
          save.mutate({ approvalNotify: event.target.value as ApprovalNotify });
        }}
        className="w-full"
      >
        {CHOICES.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </SelectInput>
      {note ? <p className="text-xs text-slate-500">{note}</p> : null}
      {saved ? (
        <p role="status" className="text-xs text-slate-600">
          {saved}
        </p>
      ) : null}
    </div>
  );
}
