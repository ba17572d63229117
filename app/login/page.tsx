import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { getCurrentUser } from "@/server/auth/current-user";
import { hasAnyAdmin } from "@/server/users/setup";
import { AuthCard } from "@/components/auth-card";
import { Notice } from "@/components/ui/layout";
import { LoginForm } from "./login-form";

export const metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string; passwordSet?: string }> }) {
  if (!(await hasAnyAdmin(await getDb()))) redirect("/setup");
  if (await getCurrentUser()) redirect("/overview");
  const { next, passwordSet } = await searchParams;
  return (
    <AuthCard title="Sign in">
      {passwordSet ? (
        <Notice tone="success" className="mb-4">
          Your password is set. Sign in with it now.
        </Notice>
      ) : null}
      <LoginForm next={next ?? ""} />
    </AuthCard>
  );
}
