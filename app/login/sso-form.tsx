"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field, TextInput } from "@/components/ui/field";
import { Notice } from "@/components/ui/layout";
import { findSsoProviderAction } from "./actions";

/**
 * "Continue with single sign-on": finds the workspace by the e-mail's domain, then starts next-auth's
 * sign-in for its provider (a POST with next-auth's CSRF token), which redirects to the identity provider.
 */
export function SsoForm({ next }: { next: string }) {
  const [message, setMessage] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function start(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("ssoEmail") ?? "");
    setPending(true);
    setMessage(null);
    try {
      const found = await findSsoProviderAction(email);
      if ("message" in found) {
        setMessage(found.message);
        return;
      }
      const { csrfToken } = (await (await fetch("/api/auth/csrf")).json()) as { csrfToken: string };
      const response = await fetch(`/api/auth/signin/${found.providerId}?${new URLSearchParams({ login_hint: email })}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-auth-return-redirect": "1" },
        body: new URLSearchParams({ csrfToken, callbackUrl: next.startsWith("/") && !next.startsWith("//") ? next : "/" }),
      });
      const { url } = (await response.json()) as { url: string };
      window.location.href = url;
    } catch {
      setMessage("Single sign-on could not be started. Try again in a moment.");
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={start} className="space-y-4">
      {message ? <Notice tone="error">{message}</Notice> : null}
      <Field label="Work address for single sign-on" htmlFor="ssoEmail">
        <TextInput id="ssoEmail" name="ssoEmail" type="email" autoComplete="username" required />
      </Field>
      <Button type="submit" variant="secondary" size="lg" className="w-full" disabled={pending}>
        {pending ? "Redirecting…" : "Continue with single sign-on"}
      </Button>
    </form>
  );
}
