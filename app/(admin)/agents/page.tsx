import { getServerCaller } from "@/server/api/server-caller";
import { requireUser } from "@/server/auth/current-user";
import { PageHeader } from "@/components/ui/layout";
import { AgentsManager } from "./agents-manager";

export const metadata = { title: "Agents" };

export default async function AgentsPage() {
  const user = await requireUser();
  const caller = await getServerCaller();
  const [{ agents, allPaused }, clients, tools] = await Promise.all([
    caller.agents.list(),
    caller.clients.list(),
    caller.agents.limitableTools(),
  ]);
  return (
    <>
      <PageHeader
        title="Agents"
        description="Programs that call tools through Toolgate. Each has API keys (shown once), a scope of clients it may reach, and optionally a webhook that receives its tool list whenever it changes."
      />
      <AgentsManager
        agents={agents}
        allPaused={allPaused}
        clients={clients.map(({ id, name }) => ({ id, name }))}
        isAdmin={user.role === "admin"}
        tools={tools}
      />
    </>
  );
}
