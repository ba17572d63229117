import { EmptyState, PageHeader } from "@/components/ui/layout";

export const metadata = { title: "Approvals" };

export default function Page() {
  return (
    <>
      <PageHeader title="Approvals" description="Requests from agents that need a technician’s (and sometimes a manager’s) decision." />
      <EmptyState title="No approval requests yet">
        When an agent calls a tool whose policy is “Needs technician approval”, the request appears here with what the agent wants to run,
        for whom and why, with Approve and Deny.
      </EmptyState>
    </>
  );
}
