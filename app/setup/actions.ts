"use server";

import { AuthError } from "next-auth";
import { z } from "zod";
import { getDb } from "@/server/database";
import { echoFields, fieldErrorsOf, type FormState } from "@/server/auth/form-errors";
import { signIn } from "@/server/auth/next-auth";
import { MIN_PASSWORD_LENGTH } from "@/server/auth/password";
import { isServiceError } from "@/server/errors";
import { errorText, log } from "@/server/log/logger";
import { loadDemoData } from "@/server/integrations/demo-directory/load-demo-data";
import { setUpFirstAdmin } from "@/server/users/setup";

const setupSchema = z
  .object({
    workspaceName: z.string().trim().min(1, "Enter your MSP's name").max(120),
    name: z.string().trim().min(1, "Enter your name").max(200),
    email: z.email("Enter a valid e-mail address").max(320),
    password: z.string().min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`).max(1024),
    confirm: z.string(),
    loadDemo: z.enum(["on"]).optional(),
  })
  .refine((value) => value.password === value.confirm, { path: ["confirm"], message: "The passwords do not match" });

export async function setUpAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const parsed = setupSchema.safeParse(Object.fromEntries(formData));
  const values = echoFields(formData, ["workspaceName", "name", "email"]);
  if (!parsed.success) return { fieldErrors: fieldErrorsOf(parsed.error), values };
  const db = await getDb();
  let created;
  try {
    created = await setUpFirstAdmin(db, parsed.data);
  } catch (error) {
    if (isServiceError(error)) return { message: error.message, values };
    throw error;
  }
  let redirectTo = "/settings/integrations";
  if (parsed.data.loadDemo) {
    const actor = {
      id: created.userId,
      workspaceId: created.workspaceId,
      role: "admin" as const,
      email: parsed.data.email,
      name: parsed.data.name,
      sessionId: "",
    };
    try {
      await loadDemoData({ db, user: actor });
    } catch (error) {
      // The workspace is usable without demo data; say why it is missing rather than fail set-up.
      log("error", "demo data could not be loaded", { error: errorText(error) });
      redirectTo = `/settings/integrations?demoError=${encodeURIComponent(error instanceof Error ? error.message : "unknown error")}`;
    }
  }
  try {
    await signIn("credentials", { email: parsed.data.email, password: parsed.data.password, redirectTo });
  } catch (error) {
    if (error instanceof AuthError) return { message: "Your account was created; sign in to continue." };
    throw error;
  }
  return { ok: true };
}
