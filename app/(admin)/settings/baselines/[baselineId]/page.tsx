import Link from "next/link";
import { notFound } from "next/navigation";
import { getServerCaller } from "@/server/api/server-caller";
import { requireUser } from "@/server/auth/current-user";
import { isServiceError } from "@/server/errors";
import { Card } from "@/components/ui/layout";
import { reachWords } from "../reach-words";
import { BaselineEditor } from "./baseline-editor";

export const metadata = { title: "Baseline" };

export default async function BaselinePage({ params }: { params: Promise<{ baselineId: string }> }) {
  const user = await requireUser();
  const { baselineId } = await params;
  const baseline = await (await getServerCaller()).baselines.get({ baselineId }).catch((error: unknown) => {
    if (isServiceError(error) || (error as { code?: string }).code === "NOT_FOUND") notFound();
    throw error;
  });
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/settings/baselines" className="hover:underline">
          MSP Settings → Baselines
        </Link>
      </nav>
      <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{baseline.name}</h1>
      <p className="mt-1 mb-4 text-sm text-slate-600">
        For {baseline.fits} · {baseline.entries.length} tools · {reachWords(baseline.reach)}
      </p>
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_18rem] lg:items-start">
        <BaselineEditor baseline={baseline} isAdmin={user.role === "admin"} />
        <Card title="Followers">
          {baseline.followers.length ? (
            <ul className="space-y-2 text-sm" aria-label="Followers">
              {baseline.followers.map((follower) => (
                <li key={follower.id}>
                  <Link href={`/settings/integrations/${follower.id}`} className="font-medium text-brand-700 hover:underline">
                    {follower.name}
                  </Link>
                  <span className="text-slate-500"> · {follower.clientName ?? "Whole MSP"}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-slate-600">No integration follows this baseline. Choose it on an integration’s page.</p>
          )}
        </Card>
      </div>
    </>
  );
}
