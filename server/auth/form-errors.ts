import { type ZodError } from "zod";

/** Form state returned by server actions: field errors and one message for the whole form. */
export type FormState = {
  ok?: boolean;
  message?: string | null;
  fieldErrors?: Record<string, string>;
  /** What the user typed (never passwords), so a refused form does not make them type it again. */
  values?: Record<string, string>;
};

/** The non-secret fields of a submitted form, echoed back on refusal. */
export function echoFields(formData: FormData, names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, String(formData.get(name) ?? "")]));
}

export function fieldErrorsOf(error: ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "form");
    errors[key] ??= issue.message;
  }
  return errors;
}

export function signInRefusalMessage(code: string | undefined): string {
  const throttled = code?.match(/^throttled_(\d+)$/);
  if (throttled) {
    const seconds = Number(throttled[1]);
    const wait = seconds >= 90 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} seconds`;
    return `Too many failed sign-ins. Try again in ${wait}.`;
  }
  if (code === "password_sign_in_off") return "Your workspace signs in with single sign-on: use Continue with single sign-on below.";
  return "That e-mail and password do not match an account.";
}
