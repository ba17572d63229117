import Link from "next/link";
import { getServerCaller } from "@/server/api/server-caller";
import { requireUser } from "@/server/auth/current-user";
import { KIND_LABELS, STATUS_LABELS } from "@/components/integration-labels";
import { LinkButton } from "@/components/ui/button";
import { Badge, EmptyState, Notice, PageHeader } from "@/components/ui/layout";
import { RelativeTime } from "@/components/relative-time";
import { UnreachedBanner } from "@/components/unreached-banner";

export const metadata = { title: "Integrations" };

export default async function IntegrationsPage({ searchParams }: { searchParams: Promise<{ demoError?: string }> }) {
  const user = await requireUser();
  const integrations = await (await getServerCaller()).integrations.list();
  const { demoError } = await searchParams;
  const connect =
    user.role === "admin" ? (
      <LinkButton href="/settings/integrations/new" variant="primary">
        Connect integration
      </LinkButton>
    ) : null;
  return (
    <>
      <PageHeader
        title="Integrations"
        description="Connected systems whose tools the agent may use. Open one to set a policy for each of its tools."
        actions={connect}
      />
      <UnreachedBanner isAdmin={user.role === "admin"} />
      {demoError ? (
        <Notice tone="warning" className="mb-4">
          Your workspace is ready, but the demo data could not be loaded: {demoError}
        </Notice>
      ) : null}
      {integrations.length === 0 ? (
        <EmptyState title="No integrations connected" action={connect}>
          Connect an MCP server, Slack, or a client’s directory. Every tool it provides is discovered and given a default policy — reads run
          automatically, writes need approval — which you can review.
        </EmptyState>
      ) : (
        <ul className="grid gap-4 lg:grid-cols-2">
          {integrations.map((integration) => (
            <li key={integration.id}>
              <Link
                href={`/settings/integrations/${integration.id}`}
                className="block h-full rounded-lg border border-slate-200 bg-white p-4 shadow-xs transition hover:border-brand-600 hover:shadow-sm"
              >
                <div className="flex items-start justify-between gap-3">
                  <div className="min-w-0">
                    <p className="truncate font-semibold text-slate-900">{integration.name}</p>
                    <p className="text-sm text-slate-500">
                      {KIND_LABELS[integration.kind]} · {integration.clientName ?? "Whole MSP"} · <code>{integration.slug}</code>
                    </p>
                  </div>
                  <Badge tone={integration.status === "active" ? "green" : integration.status === "paused" ? "amber" : "neutral"}>
                    {STATUS_LABELS[integration.status]}
                  </Badge>
                </div>
                <div className="mt-3 flex flex-wrap gap-2 text-xs">
                  <Badge tone="green">{integration.auto} automatic</Badge>
                  <Badge tone="blue">{integration.approvalNeeded} need approval</Badge>
                  <Badge tone="neutral">{integration.disabled} disabled</Badge>
                  {integration.flagged ? <Badge tone="amber">{integration.flagged} changed upstream</Badge> : null}
                  {!integration.policiesReviewedAt && integration.toolCount > 0 ? <Badge tone="violet">Review defaults</Badge> : null}
                </div>
                <p className="mt-3 text-xs text-slate-500">
                  {integration.toolCount} tools · last synced{" "}
                  {integration.lastSyncedAt ? <RelativeTime date={integration.lastSyncedAt} /> : "never"}
                </p>
                {integration.lastSyncError ? (
                  <p className="mt-2 text-sm text-red-700">Last sync failed: {integration.lastSyncError}</p>
                ) : null}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
