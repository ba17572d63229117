import Link from "next/link";
import { getServerCaller } from "@/server/api/server-caller";
import { requireUser } from "@/server/auth/current-user";
import { OVERVIEW_RANGES, type OverviewRange } from "@/server/overview/overview";
import { CALL_OUTCOMES, OUTCOME_LABELS } from "@/server/overview/outcomes";
import { ApprovalWaitChart, CallsPerDayChart, OUTCOME_COLORS } from "@/components/overview-charts";
import { RelativeTime } from "@/components/relative-time";
import { Button, buttonClasses } from "@/components/ui/button";
import { SelectInput } from "@/components/ui/field";
import { Card, PageHeader } from "@/components/ui/layout";
import { cx } from "@/components/ui/cx";

export const metadata = { title: "Overview" };

function ToolList({
  tools,
  field,
  empty,
}: {
  tools: Array<{ integration: string; tool: string; calls: number; denials: number }>;
  field: "calls" | "denials";
  empty: string;
}) {
  const max = Math.max(1, ...tools.map((tool) => tool[field]));
  if (tools.length === 0) return <p className="text-sm text-slate-500">{empty}</p>;
  return (
    <ol className="space-y-2">
      {tools.map((tool) => (
        <li key={`${tool.integration}/${tool.tool}`} className="text-sm">
          <div className="flex justify-between gap-2">
            <span className="min-w-0 truncate text-slate-800">
              {tool.tool} <span className="text-slate-500">· {tool.integration}</span>
            </span>
            <span className="shrink-0 font-medium tabular-nums text-slate-900">{tool[field].toLocaleString("en")}</span>
          </div>
          <div className="mt-1 h-1.5 rounded-full bg-slate-100">
            <div
              className={cx("h-1.5 rounded-full", field === "calls" ? "bg-brand-600" : "bg-red-500")}
              style={{ width: `${Math.max(2, (tool[field] / max) * 100)}%` }}
            />
          </div>
        </li>
      ))}
    </ol>
  );
}

export default async function OverviewPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requireUser();
  const params = await searchParams;
  const days: OverviewRange = OVERVIEW_RANGES.find((range) => String(range) === params.days) ?? 7;
  const client = params.client || undefined;
  const caller = await getServerCaller();
  const [overview, clients] = await Promise.all([caller.overview.get({ days, client }), caller.clients.list({ includeArchived: true })]);
  const clientName = (id: string) => (id === "" ? "MSP-wide" : (clients.find((entry) => entry.id === id)?.name ?? "Removed client"));
  const total = overview.days.reduce((sum, day) => sum + day.total, 0);
  const totals = Object.fromEntries(CALL_OUTCOMES.map((outcome) => [outcome, overview.days.reduce((sum, day) => sum + day[outcome], 0)]));
  const link = (next: Record<string, string | undefined>) => {
    const query = new URLSearchParams(
      Object.entries({ days: String(days), client, ...next }).filter((entry): entry is [string, string] => Boolean(entry[1])),
    );
    return `/overview?${query}`;
  };
  return (
    <>
      <PageHeader
        title="Overview"
        description={`What your agents did in the last ${days} days${client ? ` for ${clientName(client === "msp" ? "" : client)}` : ""}. Days are counted in ${overview.timeZone} (MSP Settings → General).`}
        actions={
          <nav aria-label="Range" className="flex gap-1">
            {OVERVIEW_RANGES.map((range) => (
              <Link
                key={range}
                href={link({ days: String(range) })}
                aria-current={range === days ? "page" : undefined}
                className={buttonClasses(range === days ? "primary" : "secondary", "sm")}
              >
                {range} days
              </Link>
            ))}
          </nav>
        }
      />
      <form method="get" className="mb-4 flex flex-col gap-2 sm:flex-row sm:items-center">
        <input type="hidden" name="days" value={days} />
        <SelectInput name="client" defaultValue={client ?? ""} aria-label="Client" className="sm:max-w-xs">
          <option value="">All clients and the MSP</option>
          <option value="msp">MSP-wide integrations</option>
          {clients.map((entry) => (
            <option key={entry.id} value={entry.id}>
              {entry.name}
            </option>
          ))}
        </SelectInput>
        <Button type="submit" variant="secondary">
          Show
        </Button>
      </form>
      <div className="mb-4 grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Card>
          <p className="text-sm text-slate-500">Calls</p>
          <p className="text-2xl font-semibold tabular-nums text-slate-900" data-testid="total-calls">
            {total.toLocaleString("en")}
          </p>
        </Card>
        <Card>
          <p className="text-sm text-slate-500">Ran automatically</p>
          <p className="text-2xl font-semibold tabular-nums text-slate-900">{total ? Math.round((totals.auto! / total) * 100) : 0}%</p>
        </Card>
        <Card>
          <p className="text-sm text-slate-500">Waiting for approval</p>
          <p className="text-2xl font-semibold tabular-nums text-slate-900" data-testid="pending-now">
            <Link href="/approvals" className="hover:underline">
              {overview.pending.count}
            </Link>
          </p>
        </Card>
        <Card>
          <p className="text-sm text-slate-500">Oldest waiting</p>
          <p className="text-2xl font-semibold text-slate-900">
            {overview.pending.oldestCreatedAt ? <RelativeTime date={overview.pending.oldestCreatedAt} /> : "—"}
          </p>
        </Card>
      </div>
      <div className="grid gap-4 xl:grid-cols-2">
        <Card title="Calls per day">
          <CallsPerDayChart days={overview.days} />
        </Card>
        <Card title="Time to approve">
          <ApprovalWaitChart waits={overview.waits} />
        </Card>
        <Card title="Top tools by calls">
          <ToolList tools={overview.topByCalls} field="calls" empty="No calls in this range." />
        </Card>
        <Card title="Top tools by denials">
          <ToolList tools={overview.topByDenials} field="denials" empty="Nothing was denied or refused in this range." />
        </Card>
      </div>
      <Card title="By client" className="mt-4">
        {overview.clients.length === 0 ? (
          <p className="text-sm text-slate-500">No calls in this range.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full min-w-[32rem] text-sm">
              <thead>
                <tr className="text-left text-slate-500">
                  <th className="py-1 pr-3 font-medium">Client</th>
                  <th className="py-1 pr-3 text-right font-medium">Calls</th>
                  {CALL_OUTCOMES.map((outcome) => (
                    <th key={outcome} className="py-1 pr-3 text-right font-medium">
                      <span className="mr-1 inline-block h-2 w-2 rounded-full" style={{ backgroundColor: OUTCOME_COLORS[outcome] }} />
                      {OUTCOME_LABELS[outcome]}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {overview.clients.map((row) => (
                  <tr key={row.clientId}>
                    <td className="py-1.5 pr-3">
                      <Link className="text-brand-700 hover:underline" href={link({ client: row.clientId === "" ? "msp" : row.clientId })}>
                        {clientName(row.clientId)}
                      </Link>
                    </td>
                    <td className="py-1.5 pr-3 text-right tabular-nums font-medium">{row.calls.toLocaleString("en")}</td>
                    {CALL_OUTCOMES.map((outcome) => (
                      <td key={outcome} className="py-1.5 pr-3 text-right tabular-nums">
                        {row[outcome].toLocaleString("en")}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}
