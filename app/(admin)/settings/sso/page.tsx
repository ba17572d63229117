import { getServerCaller } from "@/server/api/server-caller";
import { requireUser } from "@/server/auth/current-user";
import { Notice, PageHeader } from "@/components/ui/layout";
import { SsoSettingsForm } from "./sso-settings-form";

export const metadata = { title: "Single sign-on" };

export default async function SsoSettingsPage() {
  const user = await requireUser();
  const header = (
    <PageHeader
      title="Single sign-on"
      description="Let your technicians sign in with the identity provider you already run: Microsoft Entra ID, Google Workspace or any OpenID Connect issuer."
    />
  );
  if (user.role !== "admin") {
    return (
      <>
        {header}
        <Notice>Only admins can see and change single sign-on.</Notice>
      </>
    );
  }
  const settings = await (await getServerCaller()).sso.get();
  return (
    <>
      {header}
      <SsoSettingsForm settings={settings} />
    </>
  );
}
