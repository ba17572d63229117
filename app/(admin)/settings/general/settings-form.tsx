"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/trpc/client";
import type { RouterOutputs } from "@/components/trpc/types";
import { Button } from "@/components/ui/button";
import { Field, SelectInput, TextInput } from "@/components/ui/field";
import { Badge, Card, Notice } from "@/components/ui/layout";

type Settings = RouterOutputs["settings"]["get"];
type ChannelState = RouterOutputs["settings"]["channels"][number];

const CHANNEL_LABELS: Record<ChannelState["channel"], string> = {
  slack: "Slack app",
  smtp: "E-mail (SMTP)",
  jira: "Jira",
  connectwise: "ConnectWise",
};

/** Which form field shows the error for each input path of settings.update. */
const FIELD_OF: Record<string, string> = {
  name: "name",
  approvalExpiryHours: "approvalExpiryHours",
  maxPendingApprovalsPerAgent: "maxPending",
  grantMaxHours: "grantMaxHours",
  callRetentionDays: "retentionDays",
  timeZone: "timeZone",
  "smtp.host": "smtpHost",
  "smtp.port": "smtpPort",
  "smtp.username": "smtpUsername",
  "smtp.password": "smtpPassword",
  "smtp.from": "smtpFrom",
};

export function SettingsForm({
  settings,
  isAdmin,
  timeZones,
  channels,
}: {
  settings: Settings;
  isAdmin: boolean;
  timeZones: string[];
  channels: ChannelState[];
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [testResult, setTestResult] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const update = useMutation(
    trpc.settings.update.mutationOptions({
      onError: (caught) => {
        const data = caught.data as { fieldErrors?: Record<string, string> | null; field?: string | null } | undefined;
        // Zod issues by input path; a domain refusal about one field (a new SMTP server without its password) names it.
        const byPath = data?.fieldErrors ?? (data?.field ? { [data.field]: caught.message } : null);
        if (byPath) {
          const mapped: Record<string, string> = {};
          for (const [path, text] of Object.entries(byPath)) mapped[FIELD_OF[path] ?? "form"] ??= text;
          setFieldErrors(mapped);
          setMessage({ tone: "error", text: mapped.form ?? "Nothing was saved: fix the fields marked above." });
        } else {
          setFieldErrors({});
          setMessage({ tone: "error", text: caught.message });
        }
      },
      onSuccess: () => {
        setFieldErrors({});
        setMessage({ tone: "success", text: "Settings saved." });
        router.refresh();
      },
    }),
  );
  const testEmail = useMutation(
    trpc.settings.sendTestEmail.mutationOptions({
      onError: (caught) => setTestResult({ tone: "error", text: caught.message }),
      onSuccess: (result) => setTestResult({ tone: "success", text: `Test e-mail sent to ${result.to}. Check that inbox.` }),
    }),
  );
  const errorOf = (field: string) => fieldErrors[field] ?? null;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const host = String(data.get("smtpHost") ?? "").trim();
    const from = String(data.get("smtpFrom") ?? "").trim();
    const username = String(data.get("smtpUsername") || "").trim();
    const portText = String(data.get("smtpPort") ?? "").trim();
    // E-mail is off only when every SMTP field is empty: a missing host next to a sender address is
    // a mistake to point out, not a reason to throw the other fields away.
    const smtpOff = !host && !from && !username && (!portText || portText === "587");
    setMessage(null);
    update.mutate({
      name: String(data.get("name")),
      approvalExpiryHours: Number(data.get("approvalExpiryHours")),
      maxPendingApprovalsPerAgent: Number(data.get("maxPending")),
      grantMaxHours: Number(data.get("grantMaxHours")),
      callRetentionDays: data.get("retentionDays") ? Number(data.get("retentionDays")) : null,
      timeZone: String(data.get("timeZone") ?? settings.timeZone),
      smtp: !smtpOff
        ? {
            host,
            port: portText ? Number(portText) : 587,
            secure: data.get("smtpSecure") === "on",
            username: String(data.get("smtpUsername") || "") || null,
            from,
            password: String(data.get("smtpPassword") || "") || undefined,
          }
        : null,
    });
  }

  return (
    <form onSubmit={onSubmit} className="max-w-3xl space-y-6" noValidate>
      <Card title="How approvers are reached">
        <ul className="divide-y divide-slate-100 text-sm" aria-label="Approval channels">
          {channels.map((channel) => (
            <li
              key={channel.channel}
              className="flex flex-col gap-2 py-2 sm:flex-row sm:items-center sm:justify-between"
              data-testid={`channel-${channel.channel}`}
            >
              <span className="min-w-0">
                <span className="flex items-center gap-2 font-medium text-slate-900">
                  {CHANNEL_LABELS[channel.channel]}
                  {channel.ready ? <Badge tone="green">Ready</Badge> : <Badge tone="amber">Not set up</Badge>}
                </span>
                <span className="block text-slate-600 wrap-anywhere">{channel.detail}</span>
              </span>
              {isAdmin ? (
                <a href={channel.setupHref} className="shrink-0 font-medium text-brand-700 hover:underline">
                  {channel.ready ? "Manage" : "Set up"} {CHANNEL_LABELS[channel.channel]}
                </a>
              ) : null}
            </li>
          ))}
        </ul>
      </Card>
      <fieldset disabled={!isAdmin} className="space-y-6">
        <Card title="Workspace">
          <Field label="MSP name" htmlFor="name" error={errorOf("name")} hint="Shown to approvers on the approval page.">
            <TextInput id="name" name="name" defaultValue={settings.name} />
          </Field>
          <div className="mt-4">
            <Field
              label="Time zone"
              htmlFor="timeZone"
              error={errorOf("timeZone")}
              hint="The Overview counts calls per day in this time zone."
            >
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
            <Field
              label="Requests expire after (hours)"
              htmlFor="approvalExpiryHours"
              error={errorOf("approvalExpiryHours")}
              hint="An unanswered request expires the call."
            >
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
              error={errorOf("maxPending")}
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
              label="Longest standing grant (hours)"
              htmlFor="grantMaxHours"
              error={errorOf("grantMaxHours")}
              hint="How long “Approve, and allow this again” may last: 1 to 24 hours."
            >
              <TextInput id="grantMaxHours" name="grantMaxHours" type="number" min={1} max={24} defaultValue={settings.grantMaxHours} />
            </Field>
            <Field
              label="Keep call arguments and results (days)"
              htmlFor="retentionDays"
              error={errorOf("retentionDays")}
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
        <div id="smtp" className="scroll-mt-4" />
        <Card title="E-mail (SMTP) for managers">
          <p className="mb-4 text-sm text-slate-600">
            Managers work at your clients and are rarely in your Slack: their approval requests go by e-mail. Empty every field to turn
            e-mail off.
          </p>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Host" htmlFor="smtpHost" error={errorOf("smtpHost")}>
              <TextInput id="smtpHost" name="smtpHost" defaultValue={settings.smtp?.host ?? ""} placeholder="smtp.example.com" />
            </Field>
            <Field label="Port" htmlFor="smtpPort" error={errorOf("smtpPort")}>
              <TextInput id="smtpPort" name="smtpPort" type="number" defaultValue={settings.smtp?.port ?? 587} />
            </Field>
            <Field label="Username" htmlFor="smtpUsername" error={errorOf("smtpUsername")}>
              <TextInput id="smtpUsername" name="smtpUsername" defaultValue={settings.smtp?.username ?? ""} autoComplete="off" />
            </Field>
            <Field
              label="Password"
              htmlFor="smtpPassword"
              error={errorOf("smtpPassword")}
              hint={settings.smtpPasswordSet ? "A password is stored (encrypted). Leave empty to keep it." : "Stored encrypted."}
            >
              <TextInput id="smtpPassword" name="smtpPassword" type="password" autoComplete="new-password" />
            </Field>
            <Field label="From address" htmlFor="smtpFrom" error={errorOf("smtpFrom")}>
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
          <div className="space-y-3">
            {message ? <Notice tone={message.tone}>{message.text}</Notice> : null}
            <div className="flex flex-wrap items-center gap-3">
              <Button type="submit" disabled={update.isPending}>
                {update.isPending ? "Saving…" : "Save settings"}
              </Button>
              <Button
                variant="secondary"
                onClick={() => testEmail.mutate()}
                disabled={testEmail.isPending || !settings.smtp}
                title={settings.smtp ? "Sends a test e-mail to you over the saved SMTP settings" : "Save SMTP settings first"}
              >
                {testEmail.isPending ? "Sending…" : "Send test e-mail"}
              </Button>
            </div>
            {testResult ? <Notice tone={testResult.tone}>{testResult.text}</Notice> : null}
          </div>
        ) : message ? (
          <Notice tone={message.tone}>{message.text}</Notice>
        ) : null}
      </fieldset>
    </form>
  );
}
