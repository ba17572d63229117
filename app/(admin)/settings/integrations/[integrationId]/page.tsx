import Link from "next/link";
import { notFound } from "next/navigation";
import { getServerCaller } from "@/server/api/server-caller";
import { requireUser } from "@/server/auth/current-user";
import { isServiceError } from "@/server/errors";
import { KIND_LABELS, STATUS_LABELS } from "@/components/integration-labels";
import { Badge } from "@/components/ui/layout";
import { cx } from "@/components/ui/cx";
import { BaselineFollow } from "./baseline-follow";
import { IntegrationActions } from "./integration-actions";
import { PolicyHistory } from "./policy-history";
import { SaveConfirmationProvider } from "./save-confirmation";
import { ToolPolicyEditor } from "./tool-policy-editor";

export const metadata = { title: "Integration" };

export default async function IntegrationDetailPage({
  params,
  searchParams,
}: {
  params: Promise<{ integrationId: string }>;
  searchParams: Promise<{ tab?: string; connected?: string }>;
}) {
  const user = await requireUser();
  const { integrationId } = await params;
  const { tab, connected } = await searchParams;
  const caller = await getServerCaller();
  const detail = await caller.integrations.get({ integrationId }).catch((error: unknown) => {
    if (isServiceError(error) || (error as { code?: string }).code === "NOT_FOUND") notFound();
    throw error;
  });
  const isAdmin = user.role === "admin";
  const baseline = await caller.baselines.forIntegration({ integrationId });
  const showHistory = tab === "history";
  const tabs = [
    { id: "tools", label: "Tools", href: `/settings/integrations/${integrationId}` },
    { id: "history", label: "History", href: `/settings/integrations/${integrationId}?tab=history` },
  ];
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/settings/integrations" className="hover:underline">
          MSP Settings → Integrations
        </Link>
      </nav>
      <div className="mb-4 flex flex-col gap-3 lg:flex-row lg:items-start lg:justify-between">
        <div className="min-w-0">
          <h1 className="flex flex-wrap items-center gap-2 text-2xl font-semibold tracking-tight text-slate-900">
            {detail.name}
            <Badge tone={detail.status === "active" ? "green" : detail.status === "paused" ? "amber" : "neutral"}>
              {STATUS_LABELS[detail.status]}
            </Badge>
          </h1>
          <p className="mt-1 text-sm text-slate-600">
            {KIND_LABELS[detail.kind]} · {detail.clientName ? `Client: ${detail.clientName}` : "Whole MSP"} · agents call it{" "}
            <code className="rounded bg-slate-100 px-1">{detail.slug}</code>
            {detail.url ? (
              <>
                {" "}
                · <span className="break-all">{detail.url}</span>
              </>
            ) : null}
          </p>
          {detail.lastSyncError ? <p className="mt-1 text-sm text-red-700">Last sync failed: {detail.lastSyncError}</p> : null}
        </div>
        {isAdmin ? <IntegrationActions detail={detail} /> : null}
      </div>
      <div role="tablist" aria-label="Integration sections" className="mb-4 flex gap-1 border-b border-slate-200">
        {tabs.map((item) => {
          const active = (item.id === "history") === showHistory;
          return (
            <Link
              key={item.id}
              role="tab"
              aria-selected={active}
              href={item.href}
              className={cx(
                "-mb-px min-h-10 border-b-2 px-4 py-2 text-sm font-medium",
                active ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900",
              )}
            >
              {item.label}
            </Link>
          );
        })}
      </div>
      {showHistory ? (
        <PolicyHistory
          integrationId={integrationId}
          revision={detail.revision}
          entries={await caller.policies.history({ integrationId })}
          tools={await caller.policies.tools({ integrationId })}
          isAdmin={isAdmin}
        />
      ) : (
        <SaveConfirmationProvider>
          <BaselineFollow
            key={detail.revision}
            integrationId={integrationId}
            revision={detail.revision}
            baseline={baseline}
            isAdmin={isAdmin}
          />
          <ToolPolicyEditor
            key={detail.revision}
            detail={detail}
            tools={await caller.policies.tools({ integrationId })}
            copySources={(await caller.integrations.list())
              .filter((other) => other.kind === detail.kind && other.id !== detail.id)
              .map(({ id, name }) => ({ id, name }))}
            isAdmin={isAdmin}
            justConnected={connected === "1"}
            reach={await caller.approvals.reach({ clientId: detail.clientId })}
            baselineStatus={baseline.toolStatus}
          />
        </SaveConfirmationProvider>
      )}
    </>
  );
}
