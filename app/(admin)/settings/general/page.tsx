import { getServerCaller } from "@/server/api/server-caller";
import { requireUser } from "@/server/auth/current-user";
import { timeZoneChoices } from "@/server/overview/time-zone";
import { PageHeader } from "@/components/ui/layout";
import { SettingsForm } from "./settings-form";

export const metadata = { title: "General settings" };

export default async function GeneralSettingsPage() {
  const user = await requireUser();
  const settings = await (await getServerCaller()).settings.get();
  return (
    <>
      <PageHeader
        title="General settings"
        description="How long approvals wait, how many an agent may have open, and how managers are e-mailed."
      />
      <SettingsForm settings={settings} isAdmin={user.role === "admin"} timeZones={timeZoneChoices()} />
    </>
  );
}
