import { getServerCaller } from "@/server/api/server-caller";
import { requireUser } from "@/server/auth/current-user";
import { EmptyState, PageHeader } from "@/components/ui/layout";
import { UnreachedBanner } from "@/components/unreached-banner";
import { ApprovalInbox } from "./approval-inbox";
import { LiveRefresh } from "./live-refresh";

export const metadata = { title: "Approvals" };

type Search = { call?: string; cursor?: string; tool?: string; requester?: string; client?: string };

export default async function ApprovalsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const user = await requireUser();
  const { call, cursor, tool, requester, client } = await searchParams;
  // The batch view: pending technician requests of one tool, requester and/or client.
  const filter =
    tool || requester || client
      ? { ...(tool ? { toolId: tool } : {}), ...(requester ? { requesterEmail: requester } : {}), ...(client ? { clientId: client } : {}) }
      : null;
  const page = await (
    await getServerCaller()
  ).approvals.inbox({ ...(call ? { callId: call } : {}), ...(cursor ? { cursor } : {}), ...(filter ? { filter } : {}) });
  const first = page.items[0]?.call;
  const filterWords = filter
    ? [
        tool ? `of “${first?.tool ?? "this tool"}”` : null,
        requester ? `for ${requester}` : null,
        client ? `for the client ${first?.clientName ?? "selected"}` : null,
      ]
        .filter(Boolean)
        .join(", ")
    : null;
  const pageLink = (next: string | null) => {
    const params = new URLSearchParams({
      ...(call ? { call } : {}),
      ...(tool ? { tool } : {}),
      ...(requester ? { requester } : {}),
      ...(client ? { client } : {}),
      ...(next ? { cursor: next } : {}),
    }).toString();
    return params ? `/approvals?${params}` : "/approvals";
  };
  return (
    <>
      <PageHeader
        title="Approvals"
        description="Requests from agents that need a technician’s (and sometimes a manager’s) decision. The first decision wins; a call runs only when every request is approved."
      />
      <LiveRefresh />
      <UnreachedBanner isAdmin={user.role === "admin"} />
      {page.items.length === 0 && !cursor && !filter ? (
        <EmptyState title={call ? "No approval requests for this call" : "No approval requests yet"}>
          When an agent calls a tool whose policy is “Needs technician approval”, the request appears here with what the agent wants to run,
          for whom and why, with Approve and Deny.
        </EmptyState>
      ) : (
        <ApprovalInbox
          items={page.items}
          pendingCount={page.pendingCount}
          grantMaxHours={page.grantMaxHours}
          firstPageHref={cursor ? pageLink(null) : null}
          nextPageHref={page.nextCursor ? pageLink(page.nextCursor) : null}
          filter={filterWords ? { words: filterWords, clearHref: "/approvals" } : null}
        />
      )}
    </>
  );
}
