import { EmptyState, PageHeader } from "@/components/ui/layout";

export const metadata = { title: "Clients" };

export default function Page() {
  return (
    <>
      <PageHeader title="Clients" description="The companies your MSP serves. Integrations and directory people belong to a client." />
      <EmptyState title="No clients yet">
        Add the companies you serve. Each client gets its own integrations (its directory, its Microsoft 365 tenant) and its own Directory
        of people and managers.
      </EmptyState>
    </>
  );
}
