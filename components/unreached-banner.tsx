import Link from "next/link";
import { getServerCaller } from "@/server/api/server-caller";
import { Notice } from "./ui/layout";

/**
 * Said loudly on Approvals and Integrations: with neither Slack nor e-mail set up, a technician
 * request reaches nobody — it only waits in the inbox until someone happens to open it.
 */
export async function UnreachedBanner({ isAdmin }: { isAdmin: boolean }) {
  if (!(await (await getServerCaller()).approvals.unreached())) return null;
  return (
    <Notice tone="warning" className="mb-4">
      <span data-testid="unreached-banner">
        <strong>Approval requests reach nobody.</strong> Slack is not connected and e-mail (SMTP) is not set up, so a request waits in the
        Approvals inbox until a technician opens it.{" "}
        {isAdmin ? (
          <>
            <Link href="/settings/general" className="font-medium underline">
              Set up e-mail
            </Link>{" "}
            or{" "}
            <Link href="/settings/integrations/new" className="font-medium underline">
              connect Slack
            </Link>
            .
          </>
        ) : (
          "Ask an admin to set up e-mail or connect Slack."
        )}
      </span>
    </Notice>
  );
}
