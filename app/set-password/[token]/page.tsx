import { getDb } from "@/server/database";
import { findPasswordLink } from "@/server/users/set-password-from-link";
import { AuthCard } from "@/components/auth-card";
import { Notice } from "@/components/ui/layout";
import { SetPasswordForm } from "./set-password-form";

export const metadata = { title: "Set your password" };
export const dynamic = "force-dynamic";

export default async function SetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const link = await findPasswordLink(await getDb(), token);
  if (link.state !== "valid") {
    const message = {
      unknown: "This link is not valid. Ask an admin of your MSP for a new one.",
      used: "This link has already been used. Sign in, or ask an admin for a new link.",
      expired: "This link has expired. Ask an admin of your MSP for a new one.",
    }[link.state];
    return (
      <AuthCard title="Set your password">
        <Notice tone="error">{message}</Notice>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Set your password" subtitle={`For ${link.name} (${link.email}).`}>
      <SetPasswordForm token={token} />
    </AuthCard>
  );
}
