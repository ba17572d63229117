import { EmptyState, PageHeader } from "@/components/ui/layout";

export const metadata = { title: "Agents" };

export default function Page() {
  return (
    <>
      <PageHeader title="Agents" description="Programs that call tools through the gateway, and their API keys." />
      <EmptyState title="No agents yet">
        Create an agent to get an API key. Agents call /api/gateway or /api/mcp with it, and only see the tools their policies allow.
      </EmptyState>
    </>
  );
}
