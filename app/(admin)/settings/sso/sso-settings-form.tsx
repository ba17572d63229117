"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/trpc/client";
import type { RouterOutputs } from "@/components/trpc/types";
import { Button } from "@/components/ui/button";
import { Field, SelectInput, TextInput } from "@/components/ui/field";
import { Card, Notice } from "@/components/ui/layout";

type Settings = RouterOutputs["sso"]["get"];
type Kind = NonNullable<Settings["kind"]>;

export function SsoSettingsForm({ settings }: { settings: Settings }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [kind, setKind] = useState<Kind>(settings.kind ?? "entra");
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const done = (text: string) => ({
    onError: (caught: { message: string }) => setMessage({ tone: "error", text: caught.message }),
    onSuccess: () => {
      setMessage({ tone: "success", text });
      router.refresh();
    },
  });
  const save = useMutation(trpc.sso.save.mutationOptions(done("Single sign-on saved.")));
  const passwords = useMutation(trpc.sso.setPasswordSignIn.mutationOptions(done("Password sign-in updated.")));
  const fromEnvironment = settings.source === "environment";

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    save.mutate({
      kind,
      issuer: String(data.get("issuer") ?? ""),
      tenant: String(data.get("tenant") ?? ""),
      clientId: String(data.get("clientId") ?? ""),
      clientSecret: String(data.get("clientSecret") ?? "") || undefined,
      allowedDomains: String(data.get("allowedDomains") ?? "").split(/[\s,]+/),
      enabled: data.get("enabled") === "on",
    });
  }

  function onPasswords(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const enabled = data.get("passwordSignIn") === "on";
    passwords.mutate({ enabled, breakGlassUserId: enabled ? null : String(data.get("breakGlass") ?? "") || null });
  }

  return (
    <div className="max-w-3xl space-y-6">
      {message ? <Notice tone={message.tone}>{message.text}</Notice> : null}
      {fromEnvironment ? <Notice>Single sign-on is configured by environment variables (TOOLGATE_SSO_*); change it there.</Notice> : null}
      <form onSubmit={onSubmit}>
        <fieldset disabled={fromEnvironment} className="space-y-6">
          <Card title="Identity provider">
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Kind" htmlFor="kind">
                <SelectInput id="kind" value={kind} onChange={(event) => setKind(event.target.value as Kind)}>
                  <option value="entra">Microsoft Entra ID</option>
                  <option value="google">Google Workspace</option>
                  <option value="oidc">Other OpenID Connect issuer</option>
                </SelectInput>
              </Field>
              {kind === "oidc" ? (
                <Field label="Issuer URL" htmlFor="issuer" hint="One tenant's issuer, e.g. https://sso.msp.example/realms/msp.">
                  <TextInput id="issuer" name="issuer" defaultValue={settings.issuer} placeholder="https://…" />
                </Field>
              ) : (
                <Field
                  label={kind === "entra" ? "Directory (tenant) ID" : "Google Workspace domain"}
                  htmlFor="tenant"
                  hint={
                    kind === "entra"
                      ? "Only this tenant's accounts can sign in (never common or organizations)."
                      : "Only accounts of this domain can sign in."
                  }
                >
                  <TextInput id="tenant" name="tenant" defaultValue={settings.tenant} />
                </Field>
              )}
              <Field label="Client ID" htmlFor="clientId">
                <TextInput id="clientId" name="clientId" defaultValue={settings.clientId} autoComplete="off" />
              </Field>
              <Field
                label="Client secret"
                htmlFor="clientSecret"
                hint={settings.clientSecretSet ? "A secret is stored (encrypted). Leave empty to keep it." : "Stored encrypted."}
              >
                <TextInput id="clientSecret" name="clientSecret" type="password" autoComplete="new-password" />
              </Field>
              <Field
                label="Allowed e-mail domains"
                htmlFor="allowedDomains"
                hint="Comma-separated. Uninvited people of these domains are created inactive."
              >
                <TextInput
                  id="allowedDomains"
                  name="allowedDomains"
                  defaultValue={settings.allowedDomains.join(", ")}
                  placeholder="msp.example"
                />
              </Field>
              <label className="flex min-h-10 items-center gap-2 self-end text-sm">
                <input type="checkbox" name="enabled" defaultChecked={settings.enabled || settings.source === null} className="h-5 w-5" />{" "}
                Single sign-on on
              </label>
            </div>
            <p className="mt-4 text-sm text-slate-600">
              Register this redirect URI with your identity provider:{" "}
              <code className="break-all rounded bg-slate-100 px-1 py-0.5" data-testid="sso-callback-url">
                {settings.callbackUrl}
              </code>
            </p>
          </Card>
          {!fromEnvironment ? (
            <Button type="submit" disabled={save.isPending}>
              {save.isPending ? "Checking the issuer…" : "Save single sign-on"}
            </Button>
          ) : null}
        </fieldset>
      </form>
      <form onSubmit={onPasswords}>
        <Card title="Password sign-in">
          <p className="mb-4 text-sm text-slate-600">
            {settings.working
              ? "Single sign-on works (someone has signed in through it)."
              : "Turn password sign-in off once someone has signed in through single sign-on."}{" "}
            One break-glass admin keeps their password, so a broken identity provider never locks you out.
          </p>
          <div className="grid gap-4 sm:grid-cols-2">
            <label className="flex min-h-10 items-center gap-2 text-sm">
              <input type="checkbox" name="passwordSignIn" defaultChecked={settings.passwordSignIn} className="h-5 w-5" /> Password sign-in
              on
            </label>
            <Field label="Break-glass admin" htmlFor="breakGlass">
              <SelectInput id="breakGlass" name="breakGlass" defaultValue={settings.breakGlassUserId ?? ""}>
                <option value="">Choose an admin with a password</option>
                {settings.breakGlassCandidates.map((admin) => (
                  <option key={admin.id} value={admin.id}>
                    {admin.name} ({admin.email})
                  </option>
                ))}
              </SelectInput>
            </Field>
          </div>
          <Button type="submit" variant="secondary" className="mt-4" disabled={passwords.isPending}>
            Save password sign-in
          </Button>
        </Card>
      </form>
    </div>
  );
}
