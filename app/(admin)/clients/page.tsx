import { getServerCaller } from "@/server/api/server-caller";
import { requireUser } from "@/server/auth/current-user";
import { PageHeader } from "@/components/ui/layout";
import { ClientsManager } from "./clients-manager";

export const metadata = { title: "Clients" };

export default async function ClientsPage() {
  const user = await requireUser();
  const clients = await (await getServerCaller()).clients.list({ includeArchived: true });
  return (
    <>
      <PageHeader
        title="Clients"
        description="The companies your MSP serves. Each client has its own integrations (its directory, its Microsoft 365 tenant) and its own Directory of people and managers."
      />
      <ClientsManager clients={clients} isAdmin={user.role === "admin"} />
    </>
  );
}
