"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field, TextInput } from "@/components/ui/field";
import { Notice } from "@/components/ui/layout";
import type { FormState } from "@/server/auth/form-errors";
import { requestPasswordResetAction } from "./actions";

export function ForgotPasswordForm() {
  const [state, action, pending] = useActionState<FormState, FormData>(requestPasswordResetAction, {});
  return (
    <form action={action} className="space-y-4" noValidate>
      {state.ok && state.message ? <Notice tone="success">{state.message}</Notice> : null}
      <Field label="E-mail" htmlFor="email" error={state.fieldErrors?.email}>
        <TextInput id="email" name="email" type="email" autoComplete="username" defaultValue={state.values?.email} required />
      </Field>
      <Button type="submit" size="lg" className="w-full" disabled={pending}>
        {pending ? "Sending…" : "E-mail me a link"}
      </Button>
    </form>
  );
}
