import Link from "next/link";
import { getServerCaller } from "@/server/api/server-caller";
import { requireUser } from "@/server/auth/current-user";
import { EmptyState, PageHeader } from "@/components/ui/layout";
import { LinkButton } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { DirectoryManager } from "./directory-manager";

export const metadata = { title: "Directory" };

export default async function DirectoryPage({ searchParams }: { searchParams: Promise<{ client?: string }> }) {
  const user = await requireUser();
  const caller = await getServerCaller();
  const clients = await caller.clients.list();
  const { client: requested } = await searchParams;
  const selected = clients.find((client) => client.id === requested) ?? clients[0];
  const header = (
    <PageHeader
      title="Directory"
      description="People at each client and who their manager is. When a tool needs Manager Approval, the requester’s manager is looked up here — never taken from what the agent says."
    />
  );
  if (!selected) {
    return (
      <>
        {header}
        <EmptyState title="No clients yet" action={<LinkButton href="/clients">Add a client</LinkButton>}>
          The Directory lists each client’s people with their managers. Add a client first, then its people (by hand or from a CSV file).
        </EmptyState>
      </>
    );
  }
  const people = await caller.directory.list({ clientId: selected.id });
  return (
    <>
      {header}
      <nav aria-label="Clients" className="mb-4 flex flex-wrap gap-2">
        {clients.map((client) => (
          <Link
            key={client.id}
            href={`/directory?client=${client.id}`}
            aria-current={client.id === selected.id ? "page" : undefined}
            className={cx(
              "min-h-10 rounded-full border px-4 py-2 text-sm font-medium",
              client.id === selected.id
                ? "border-brand-600 bg-brand-50 text-brand-700"
                : "border-slate-300 bg-white text-slate-700 hover:bg-slate-50",
            )}
          >
            {client.name}
          </Link>
        ))}
      </nav>
      <DirectoryManager key={selected.id} client={selected} people={people} isAdmin={user.role === "admin"} />
    </>
  );
}
