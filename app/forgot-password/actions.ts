"use server";

import { headers } from "next/headers";
import { getDb } from "@/server/database";
import type { FormState } from "@/server/auth/form-errors";
import { requestPasswordReset } from "@/server/users/password-link-mail";

/** The same answer whatever happened, so the form tells nobody which addresses have accounts. */
const RESET_ANSWER =
  "If that address belongs to an account that signs in with a password, we have e-mailed it a one-time link (valid for 1 hour). No e-mail? Ask your admin for a “New password link”.";

export async function requestPasswordResetAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const email = String(formData.get("email") ?? "").trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) return { fieldErrors: { email: "Enter your e-mail address." }, values: { email } };
  const requestHeaders = await headers();
  const clientAddress = requestHeaders.get("x-forwarded-for")?.split(",")[0]?.trim() || requestHeaders.get("x-real-ip") || null;
  await requestPasswordReset(await getDb(), { email, clientAddress });
  return { ok: true, message: RESET_ANSWER };
}
