import Link from "next/link";
import { getServerCaller } from "@/server/api/server-caller";
import { requireUser } from "@/server/auth/current-user";
import { Badge, EmptyState, PageHeader } from "@/components/ui/layout";
import { RelativeTime } from "@/components/relative-time";
import { reachWords } from "./reach-words";

export const metadata = { title: "Baselines" };

export default async function BaselinesPage() {
  await requireUser();
  const baselines = await (await getServerCaller()).baselines.list();
  return (
    <>
      <PageHeader
        title="Baselines"
        description="One set of tool policies that many clients’ integrations of the same kind follow. Change it here and every follower changes with it, except the tools overridden there."
      />
      {baselines.length === 0 ? (
        <EmptyState title="No baselines yet">
          Open an integration whose policies you have reviewed and choose “Create a baseline from these policies”. Then let the same kind of
          integration at your other clients follow it.
        </EmptyState>
      ) : (
        <ul className="grid grid-cols-1 gap-4 lg:grid-cols-2" aria-label="Baselines">
          {baselines.map((baseline) => (
            <li key={baseline.id}>
              <Link
                href={`/settings/baselines/${baseline.id}`}
                className="block h-full rounded-lg border border-slate-200 bg-white p-4 shadow-xs transition hover:border-brand-600 hover:shadow-sm"
              >
                <div className="flex flex-wrap items-start justify-between gap-3">
                  <div className="min-w-0">
                    <p className="truncate font-semibold text-slate-900">{baseline.name}</p>
                    <p className="text-sm text-slate-500">
                      For {baseline.fits} · {baseline.toolCount} tools
                    </p>
                  </div>
                  <Badge tone={baseline.reach.integrations ? "blue" : "neutral"}>{reachWords(baseline.reach)}</Badge>
                </div>
                <p className="mt-3 text-sm text-slate-600">
                  {baseline.followers.length
                    ? `Followed by ${baseline.followers.map((follower) => follower.name).join(", ")}`
                    : "No integration follows it yet."}
                </p>
                <p className="mt-2 text-xs text-slate-500">
                  Changed <RelativeTime date={baseline.updatedAt} />
                </p>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
