"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { TextInput } from "@/components/ui/field";

/** One tool's escalation minutes (empty: the workspace's), in the tool's details. */
export function ToolEscalation({ toolId }: { toolId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = trpc.escalation.tool.queryOptions({ toolId });
  const { data } = useQuery(query);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const save = useMutation(
    trpc.escalation.setTool.mutationOptions({
      onError: (caught) => {
        const fieldErrors = (caught.data as { fieldErrors?: Record<string, string> | null } | undefined)?.fieldErrors;
        setMessage({ error: true, text: fieldErrors?.minutes ?? caught.message });
      },
      onSuccess: async (result) => {
        setMessage({ error: false, text: result.minutes === null ? "Saved: the workspace's minutes apply." : "Saved." });
        await queryClient.invalidateQueries({ queryKey: query.queryKey });
      },
    }),
  );
  if (!data) return null;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const text = String(new FormData(event.currentTarget).get("minutes") ?? "").trim();
    setMessage(null);
    save.mutate({ toolId, minutes: text ? Number(text) : null });
  }

  const id = `escalation-${toolId}`;
  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-wrap items-end gap-2" aria-label="Escalation of this tool's requests">
      <div>
        <label htmlFor={id} className="block text-xs font-medium text-slate-700">
          Escalate unanswered requests after (minutes)
        </label>
        <TextInput
          id={id}
          name="minutes"
          type="number"
          min={1}
          className="mt-1 w-32"
          defaultValue={data.minutes ?? ""}
          placeholder={`${data.workspaceMinutes} (default)`}
          disabled={!data.canEdit}
          aria-invalid={message?.error || undefined}
        />
      </div>
      {data.canEdit ? (
        <Button type="submit" variant="secondary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save minutes"}
        </Button>
      ) : null}
      {message ? (
        <p className={message.error ? "w-full text-sm text-red-700" : "w-full text-sm text-slate-600"} role="status">
          {message.text}
        </p>
      ) : null}
    </form>
  );
}
