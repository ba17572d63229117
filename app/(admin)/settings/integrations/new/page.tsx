import { redirect } from "next/navigation";
import { getServerCaller } from "@/server/api/server-caller";
import { requireUser } from "@/server/auth/current-user";
import { DEMO_DATASETS } from "@/server/integrations/demo-directory/sample-data";
import { PageHeader } from "@/components/ui/layout";
import { ConnectForm } from "./connect-form";

export const metadata = { title: "Connect integration" };

export default async function ConnectIntegrationPage({ searchParams }: { searchParams: Promise<{ client?: string }> }) {
  const user = await requireUser();
  if (user.role !== "admin") redirect("/settings/integrations");
  const clients = await (await getServerCaller()).clients.list();
  const { client } = await searchParams;
  return (
    <>
      <PageHeader
        title="Connect an integration"
        description="Toolgate discovers every tool the system offers and seeds a default policy for each: reads run automatically, writes and anything unfamiliar need approval."
      />
      <ConnectForm
        clients={clients.map(({ id, name }) => ({ id, name }))}
        datasets={DEMO_DATASETS.map(({ clientSlug, clientName }) => ({ id: clientSlug, name: clientName }))}
        initialClientId={client ?? null}
      />
    </>
  );
}
