"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field, TextInput } from "@/components/ui/field";
import { Notice } from "@/components/ui/layout";
import type { FormState } from "@/server/auth/form-errors";
import { setUpAction } from "./actions";

export function SetupForm({ embeddedDatabase }: { embeddedDatabase: boolean }) {
  const [state, action, pending] = useActionState<FormState, FormData>(setUpAction, {});
  const error = (name: string) => state.fieldErrors?.[name] ?? null;
  return (
    <form action={action} className="space-y-4" noValidate>
      {state.message ? <Notice tone="error">{state.message}</Notice> : null}
      <Field label="MSP name" htmlFor="workspaceName" error={error("workspaceName")}>
        <TextInput
          id="workspaceName"
          name="workspaceName"
          defaultValue={state.values?.workspaceName}
          autoComplete="organization"
          required
          aria-invalid={!!error("workspaceName")}
        />
      </Field>
      <Field label="Your name" htmlFor="name" error={error("name")}>
        <TextInput id="name" name="name" defaultValue={state.values?.name} autoComplete="name" required aria-invalid={!!error("name")} />
      </Field>
      <Field label="E-mail" htmlFor="email" error={error("email")}>
        <TextInput
          id="email"
          name="email"
          defaultValue={state.values?.email}
          type="email"
          autoComplete="email"
          required
          aria-invalid={!!error("email")}
        />
      </Field>
      <Field label="Password" htmlFor="password" hint="At least 10 characters." error={error("password")}>
        <TextInput id="password" name="password" type="password" autoComplete="new-password" required aria-invalid={!!error("password")} />
      </Field>
      <Field label="Confirm password" htmlFor="confirm" error={error("confirm")}>
        <TextInput id="confirm" name="confirm" type="password" autoComplete="new-password" required aria-invalid={!!error("confirm")} />
      </Field>
      <label className="flex items-start gap-3 rounded-md border border-slate-200 p-3 text-sm">
        <input type="checkbox" name="loadDemo" defaultChecked={embeddedDatabase} className="mt-0.5 h-5 w-5 shrink-0" />
        <span>
          <span className="font-medium text-slate-900">Load demo data</span>
          <span className="block text-slate-600">
            Two example clients, each with its own demo user directory connected and its people and managers filled in, so you can try every
            flow at once.
          </span>
        </span>
      </label>
      <Button type="submit" size="lg" className="w-full" disabled={pending}>
        {pending ? "Creating…" : "Create workspace"}
      </Button>
    </form>
  );
}
