import { EmptyState, PageHeader } from "@/components/ui/layout";

export const metadata = { title: "Directory" };

export default function Page() {
  return (
    <>
      <PageHeader title="Directory" description="People at each client and who their manager is — used to route manager approvals." />
      <EmptyState title="No people yet">
        The Directory lists each client’s people with their managers. When a tool needs Manager Approval, the requester’s manager is looked
        up here, never taken from what the agent says.
      </EmptyState>
    </>
  );
}
