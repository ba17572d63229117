"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Field, TextInput } from "@/components/ui/field";
import { Card, Notice } from "@/components/ui/layout";

type Settings = { minutes: number; userIds: string[]; slackChannel: string | null; secondMinutes: number | null };
type Person = { id: string; name: string; email: string; role: string };

/** Which field shows the error for each input path of escalation.save. */
const FIELD_OF: Record<string, string> = {
  minutes: "escalationMinutes",
  slackChannel: "escalationChannel",
  secondMinutes: "escalationSecondMinutes",
  userIds: "escalationGroup",
};

/** When and to whom an unanswered technician request escalates (General settings). */
export function EscalationForm({ settings, people, isAdmin }: { settings: Settings; people: Person[]; isAdmin: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const save = useMutation(
    trpc.escalation.save.mutationOptions({
      onError: (caught) => {
        const data = caught.data as { fieldErrors?: Record<string, string> | null; field?: string | null } | undefined;
        const byPath = data?.fieldErrors ?? (data?.field ? { [data.field]: caught.message } : null);
        const mapped: Record<string, string> = {};
        for (const [path, text] of Object.entries(byPath ?? {})) mapped[FIELD_OF[path.split(".")[0]!] ?? "form"] ??= text;
        setFieldErrors(mapped);
        setMessage({ tone: "error", text: byPath ? "Nothing was saved: fix the fields marked above." : caught.message });
      },
      onSuccess: () => {
        setFieldErrors({});
        setMessage({ tone: "success", text: "Escalation saved. It applies to requests made from now on." });
        router.refresh();
      },
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const channel = String(data.get("escalationChannel") ?? "").trim();
    const second = String(data.get("escalationSecondMinutes") ?? "").trim();
    setMessage(null);
    save.mutate({
      minutes: Number(data.get("escalationMinutes")),
      userIds: data.getAll("escalationGroup").map(String),
      slackChannel: channel || null,
      secondMinutes: second ? Number(second) : null,
    });
  }

  return (
    <form onSubmit={onSubmit} className="mt-6 max-w-3xl" noValidate aria-label="Escalation">
      <fieldset disabled={!isAdmin}>
        <Card title="Escalation when nobody answers">
          <p className="mb-4 text-sm text-slate-600">
            A technician request still unanswered after these minutes is sent again to the people and the Slack channel below, and marked
            “Escalated” in the inbox. Messages link to this inbox (sign-in needed), never to a personal approval link.
          </p>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              label="Escalate after (minutes)"
              htmlFor="escalationMinutes"
              error={fieldErrors.escalationMinutes}
              hint="A tool can set its own minutes in its details."
            >
              <TextInput id="escalationMinutes" name="escalationMinutes" type="number" min={1} defaultValue={settings.minutes} />
            </Field>
            <Field
              label="Slack channel"
              htmlFor="escalationChannel"
              error={fieldErrors.escalationChannel}
              hint="Its Approve and Deny decide only for members linked to a Toolgate technician."
            >
              <TextInput
                id="escalationChannel"
                name="escalationChannel"
                defaultValue={settings.slackChannel ?? ""}
                placeholder="#approvals or C0123ABCD"
                autoComplete="off"
              />
            </Field>
          </div>
          <fieldset className="mt-4">
            <legend className="text-sm font-medium text-slate-800">Escalation group</legend>
            <ul className="mt-2 grid gap-1 sm:grid-cols-2">
              {people.map((person) => (
                <li key={person.id}>
                  <label className="flex min-h-10 items-center gap-2 text-sm">
                    <input
                      type="checkbox"
                      name="escalationGroup"
                      value={person.id}
                      defaultChecked={settings.userIds.includes(person.id)}
                      className="h-5 w-5 shrink-0"
                    />
                    <span className="min-w-0 wrap-anywhere">
                      {person.name} <span className="text-slate-500">({person.role})</span>
                    </span>
                  </label>
                </li>
              ))}
            </ul>
            {fieldErrors.escalationGroup ? <p className="text-sm text-red-700">{fieldErrors.escalationGroup}</p> : null}
            <p className="mt-1 text-xs text-slate-500">
              Each is told by Slack DM or e-mail, as they chose. No group and no channel: nothing escalates.
            </p>
          </fieldset>
          <div className="mt-4 sm:w-1/2">
            <Field
              label="Then to the admins after (minutes)"
              htmlFor="escalationSecondMinutes"
              error={fieldErrors.escalationSecondMinutes}
              hint="Optional second level. Empty: none."
            >
              <TextInput
                id="escalationSecondMinutes"
                name="escalationSecondMinutes"
                type="number"
                min={1}
                defaultValue={settings.secondMinutes ?? ""}
                placeholder="None"
              />
            </Field>
          </div>
          {isAdmin ? (
            <div className="mt-4 space-y-3">
              {message ? <Notice tone={message.tone}>{message.text}</Notice> : null}
              <Button type="submit" disabled={save.isPending}>
                {save.isPending ? "Saving…" : "Save escalation"}
              </Button>
            </div>
          ) : null}
        </Card>
      </fieldset>
    </form>
  );
}
