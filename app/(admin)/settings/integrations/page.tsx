import { EmptyState, PageHeader } from "@/components/ui/layout";

export const metadata = { title: "Integrations" };

export default function Page() {
  return (
    <>
      <PageHeader title="Integrations" description="Connected systems whose tools the agent may use, with a policy for every tool." />
      <EmptyState title="No integrations connected">
        Connect an MCP server, Slack, or your clients’ directories. Every tool they provide is discovered and given a default policy you can
        review.
      </EmptyState>
    </>
  );
}
