import { getServerCaller } from "@/server/api/server-caller";
import { requireUser } from "@/server/auth/current-user";
import { EmptyState, PageHeader } from "@/components/ui/layout";
import { GrantsList } from "./grants-list";

export const metadata = { title: "Grants" };

export default async function GrantsPage() {
  await requireUser();
  const grants = await (await getServerCaller()).grants.list();
  return (
    <>
      <PageHeader
        title="Grants"
        description="Short standing grants: an approver chose “Approve, and allow this again”, so the same agent may run the same tool for the same client with the arguments they saw, without asking, until the grant expires. Revoking one applies to the agent’s very next call."
      />
      {grants.length === 0 ? (
        <EmptyState title="No active grants">
          When a technician approves with “Approve, and allow this again for N hours” (or “Approve for 1 h” on the phone or in Slack), the
          grant shows here with who gave it, until when, and how often it was used.
        </EmptyState>
      ) : (
        <GrantsList grants={grants} />
      )}
    </>
  );
}
