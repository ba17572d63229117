"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/server/database";
import { fieldErrorsOf, type FormState } from "@/server/auth/form-errors";
import { MIN_PASSWORD_LENGTH } from "@/server/auth/password";
import { isServiceError } from "@/server/errors";
import { setPasswordFromLink } from "@/server/users/set-password-from-link";

const schema = z
  .object({
    token: z.string().min(10).max(200),
    password: z.string().min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`).max(1024),
    confirm: z.string(),
  })
  .refine((value) => value.password === value.confirm, { path: ["confirm"], message: "The passwords do not match" });

export async function setPasswordAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const parsed = schema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { fieldErrors: fieldErrorsOf(parsed.error) };
  try {
    await setPasswordFromLink(await getDb(), parsed.data);
  } catch (error) {
    if (isServiceError(error)) return { message: error.message };
    throw error;
  }
  redirect("/login?passwordSet=1");
}
