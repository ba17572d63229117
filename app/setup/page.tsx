import { redirect } from "next/navigation";
import { getDb } from "@/server/database";
import { getEnv } from "@/server/env";
import { hasAnyAdmin } from "@/server/users/setup";
import { AuthCard } from "@/components/auth-card";
import { SetupForm } from "./setup-form";

export const metadata = { title: "Set up" };
export const dynamic = "force-dynamic";

export default async function SetupPage() {
  if (await hasAnyAdmin(await getDb())) redirect("/login");
  return (
    <AuthCard title="Set up Toolgate" subtitle="Create your MSP's workspace and its first admin. You can add technicians afterwards.">
      <SetupForm embeddedDatabase={!getEnv().DATABASE_URL} />
    </AuthCard>
  );
}
