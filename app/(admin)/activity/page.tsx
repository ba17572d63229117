import { EmptyState, PageHeader } from "@/components/ui/layout";

export const metadata = { title: "Activity" };

export default function Page() {
  return (
    <>
      <PageHeader title="Activity" description="Every tool call by every agent, across all clients or per client." />
      <EmptyState title="No activity yet">
        Each call an agent makes through the gateway — allowed, rejected, waiting for approval, approved, denied — will be listed here with
        its arguments, outcome and timeline.
      </EmptyState>
    </>
  );
}
