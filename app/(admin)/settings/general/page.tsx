import { EmptyState, PageHeader } from "@/components/ui/layout";

export const metadata = { title: "General settings" };

export default function Page() {
  return (
    <>
      <PageHeader title="General settings" description="Workspace-wide settings: approvals, e-mail delivery and the emergency stop." />
      <EmptyState title="Nothing to configure yet">
        Approval expiry, the per-agent limit on pending approvals, SMTP for manager e-mails and the Pause all agents switch will be set
        here.
      </EmptyState>
    </>
  );
}
