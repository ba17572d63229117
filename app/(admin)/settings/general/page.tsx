import { getServerCaller } from "@/server/api/server-caller";
import { requireUser } from "@/server/auth/current-user";
import { timeZoneChoices } from "@/server/overview/time-zone";
import { PageHeader } from "@/components/ui/layout";
import { EscalationForm } from "./escalation-form";
import { SettingsForm } from "./settings-form";

export const metadata = { title: "General settings" };

export default async function GeneralSettingsPage() {
  const user = await requireUser();
  const caller = await getServerCaller();
  const [settings, channels, escalation] = await Promise.all([
    caller.settings.get(),
    caller.settings.channels(),
    caller.escalation.settings(),
  ]);
  return (
    <>
      <PageHeader
        title="General settings"
        description="How long approvals wait, how many an agent may have open, and how managers are e-mailed."
      />
      <SettingsForm settings={settings} channels={channels} isAdmin={user.role === "admin"} timeZones={timeZoneChoices()} />
      <EscalationForm settings={escalation.settings} people={escalation.people} isAdmin={user.role === "admin"} />
    </>
  );
}
