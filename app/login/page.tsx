import { redirect } from "next/navigation";
import { getDb } from "@/server/database";
import { getCurrentUser } from "@/server/auth/current-user";
import { hasAnyAdmin } from "@/server/users/setup";
import { AuthCard } from "@/components/auth-card";
import { Notice } from "@/components/ui/layout";
import { SSO_REFUSAL_MESSAGES } from "@/server/auth/sso/sign-in";
import { LoginForm } from "./login-form";
import { SsoForm } from "./sso-form";

export const metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

function ssoMessage(sso: string | undefined, error: string | undefined): string | null {
  if (sso) return (SSO_REFUSAL_MESSAGES as Record<string, string>)[sso] ?? "Single sign-on is not available for this workspace right now.";
  if (error) return `Single sign-on did not complete (${error}). Try again, or ask your admin to check the single sign-on settings.`;
  return null;
}

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string; passwordSet?: string; sso?: string; error?: string }>;
}) {
  if (!(await hasAnyAdmin(await getDb()))) redirect("/setup");
  if (await getCurrentUser()) redirect("/");
  const { next, passwordSet, sso, error } = await searchParams;
  const refusal = ssoMessage(sso, error);
  return (
    <AuthCard title="Sign in">
      {passwordSet ? (
        <Notice tone="success" className="mb-4">
          Your password is set. Sign in with it now.
        </Notice>
      ) : null}
      {refusal ? (
        <Notice tone="error" className="mb-4">
          {refusal}
        </Notice>
      ) : null}
      <LoginForm next={next ?? ""} />
      <div className="my-6 flex items-center gap-3 text-xs uppercase tracking-wide text-slate-400">
        <span className="h-px flex-1 bg-slate-200" /> or <span className="h-px flex-1 bg-slate-200" />
      </div>
      <SsoForm next={next ?? ""} />
    </AuthCard>
  );
}
