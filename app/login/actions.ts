"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import type { FormState } from "@/server/auth/form-errors";
import { signInRefusalMessage } from "@/server/auth/form-errors";
import { getDb } from "@/server/database";
import { signIn } from "@/server/auth/next-auth";
import { ssoConfigForEmail, ssoProviderId } from "@/server/auth/sso/config";

export async function signInAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const email = String(formData.get("email") ?? "");
  const password = String(formData.get("password") ?? "");
  if (!email || !password) return { message: "Enter your e-mail and password.", values: { email } };
  const next = String(formData.get("next") ?? "");
  const redirectTo = next.startsWith("/") && !next.startsWith("//") ? next : "/";
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

/**
 * Home-realm discovery: which workspace's single sign-on serves this e-mail's domain. Says only
 * whether a domain signs in with SSO, never whether an account exists.
 */
export async function findSsoProviderAction(email: string): Promise<{ providerId: string } | { message: string }> {
  const domain = email.trim().toLowerCase().split("@")[1];
  if (!domain) return { message: "Enter your work address, e.g. you@msp.example." };
  const config = await ssoConfigForEmail(await getDb(), email);
  if (!config) return { message: `Single sign-on is not set up for ${domain}. Sign in with your password, or ask your admin.` };
  return { providerId: ssoProviderId(config.workspaceSlug) };
}
