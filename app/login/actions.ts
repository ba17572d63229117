"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import type { FormState } from "@/server/auth/form-errors";
import { signInRefusalMessage } from "@/server/auth/form-errors";
import { signIn } from "@/server/auth/next-auth";

export async function signInAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const email = String(formData.get("email") ?? "");
  const password = String(formData.get("password") ?? "");
  if (!email || !password) return { message: "Enter your e-mail and password.", values: { email } };
  const next = String(formData.get("next") ?? "");
  const redirectTo = next.startsWith("/") && !next.startsWith("//") ? next : "/overview";
  try {
    await signIn("credentials", { email, password, redirectTo });
  } catch (error) {
    // signIn throws NEXT_REDIRECT on success: only AuthError means a refusal.
    if (error instanceof CredentialsSignin) return { message: signInRefusalMessage(error.code), values: { email } };
    if (error instanceof AuthError) return { message: signInRefusalMessage(undefined), values: { email } };
    throw error;
  }
  return { ok: true };
}
