"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Field, SelectInput, TextInput } from "@/components/ui/field";
import { Card, Notice } from "@/components/ui/layout";

type Settings = {
  name: string;
  agentsPaused: boolean;
  approvalExpiryHours: number;
  maxPendingApprovalsPerAgent: number;
  callRetentionDays: number | null;
  smtp: { host: string; port: number; secure: boolean; username: string | null; from: string } | null;
  smtpPasswordSet: boolean;
  timeZone: string;
};

export function SettingsForm({ settings, isAdmin, timeZones }: { settings: Settings; isAdmin: boolean; timeZones: string[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const [passwordError, setPasswordError] = useState<string | null>(null);
  const update = useMutation(
    trpc.settings.update.mutationOptions({
      onError: (caught) => {
        // A new SMTP server without the password again is refused: said beside the password field.
        const field = (caught as { data?: { field?: string | null } }).data?.field;
        setPasswordError(field === "smtp.password" ? caught.message : null);
        setMessage(field === "smtp.password" ? null : { tone: "error", text: caught.message });
      },
      onSuccess: () => {
        setPasswordError(null);
        setMessage({ tone: "success", text: "Settings saved." });
        router.refresh();
      },
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const host = String(data.get("smtpHost") ?? "").trim();
    update.mutate({
      name: String(data.get("name")),
      approvalExpiryHours: Number(data.get("approvalExpiryHours")),
      maxPendingApprovalsPerAgent: Number(data.get("maxPending")),
      callRetentionDays: data.get("retentionDays") ? Number(data.get("retentionDays")) : null,
      timeZone: String(data.get("timeZone") ?? settings.timeZone),
      smtp: host
        ? {
            host,
            port: Number(data.get("smtpPort") || 587),
            secure: data.get("smtpSecure") === "on",
            username: String(data.get("smtpUsername") || "") || null,
            from: String(data.get("smtpFrom") ?? ""),
            password: String(data.get("smtpPassword") || "") || undefined,
          }
        : null,
    });
  }

  return (
    <form onSubmit={onSubmit} className="max-w-3xl space-y-6">
      {message ? <Notice tone={message.tone}>{message.text}</Notice> : null}
      <fieldset disabled={!isAdmin} className="space-y-6">
        <Card title="Workspace">
          <Field label="MSP name" htmlFor="name" hint="Shown to approvers on the approval page.">
            <TextInput id="name" name="name" defaultValue={settings.name} />
          </Field>
          <div className="mt-4">
            <Field label="Time zone" htmlFor="timeZone" hint="The Overview counts calls per day in this time zone.">
              <SelectInput id="timeZone" name="timeZone" defaultValue={settings.timeZone}>
                {timeZones.map((zone) => (
                  <option key={zone} value={zone}>
                    {zone.replaceAll("_", " ")}
                  </option>
                ))}
              </SelectInput>
            </Field>
          </div>
        </Card>
        <Card title="Approvals">
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Requests expire after (hours)" htmlFor="approvalExpiryHours" hint="An unanswered request expires the call.">
              <TextInput
                id="approvalExpiryHours"
                name="approvalExpiryHours"
                type="number"
                min={0.25}
                max={720}
                step={0.25}
                defaultValue={settings.approvalExpiryHours}
              />
            </Field>
            <Field
              label="Pending approvals per agent"
              htmlFor="maxPending"
              hint="More get 429 too_many_pending_approvals, so approvers are never flooded."
            >
              <TextInput
                id="maxPending"
                name="maxPending"
                type="number"
                min={1}
                max={1000}
                defaultValue={settings.maxPendingApprovalsPerAgent}
              />
            </Field>
            <Field
              label="Keep call arguments and results (days)"
              htmlFor="retentionDays"
              hint="After this, finished calls keep only their digests and audit events. Empty: keep them."
            >
              <TextInput
                id="retentionDays"
                name="retentionDays"
                type="number"
                min={1}
                max={3650}
                defaultValue={settings.callRetentionDays ?? ""}
                placeholder="Keep"
              />
            </Field>
          </div>
        </Card>
        <Card title="E-mail (SMTP) for managers">
          <p className="mb-4 text-sm text-slate-600">
            Managers work at your clients and are rarely in your Slack: their approval requests go by e-mail. Leave the host empty to turn
            e-mail off.
          </p>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Host" htmlFor="smtpHost">
              <TextInput id="smtpHost" name="smtpHost" defaultValue={settings.smtp?.host ?? ""} placeholder="smtp.example.com" />
            </Field>
            <Field label="Port" htmlFor="smtpPort">
              <TextInput id="smtpPort" name="smtpPort" type="number" defaultValue={settings.smtp?.port ?? 587} />
            </Field>
            <Field label="Username" htmlFor="smtpUsername">
              <TextInput id="smtpUsername" name="smtpUsername" defaultValue={settings.smtp?.username ?? ""} autoComplete="off" />
            </Field>
            <Field
              label="Password"
              htmlFor="smtpPassword"
              hint={settings.smtpPasswordSet ? "A password is stored (encrypted). Leave empty to keep it." : "Stored encrypted."}
              error={passwordError}
            >
              <TextInput id="smtpPassword" name="smtpPassword" type="password" autoComplete="new-password" />
            </Field>
            <Field label="From address" htmlFor="smtpFrom">
              <TextInput
                id="smtpFrom"
                name="smtpFrom"
                defaultValue={settings.smtp?.from ?? ""}
                placeholder="Toolgate <approvals@msp.example>"
              />
            </Field>
            <label className="flex min-h-10 items-center gap-2 self-end text-sm">
              <input type="checkbox" name="smtpSecure" defaultChecked={settings.smtp?.secure ?? false} className="h-5 w-5" /> TLS from the
              start (port 465)
            </label>
          </div>
        </Card>
        {isAdmin ? (
          <Button type="submit" disabled={update.isPending}>
            {update.isPending ? "Saving…" : "Save settings"}
          </Button>
        ) : null}
      </fieldset>
    </form>
  );
}
