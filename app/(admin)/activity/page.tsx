import Link from "next/link";
import { getServerCaller } from "@/server/api/server-caller";
import { filtersFromSearchParams } from "@/server/activity/filters";
import { requireUser } from "@/server/auth/current-user";
import { CALL_STATES } from "@/server/calls/labels";
import { CALL_STATUS_LABELS, CallStatusBadge } from "@/components/call-status-badge";
import { decidingRuleWords } from "@/server/policy/rules";
import { RelativeTime } from "@/components/relative-time";
import { Button, buttonClasses } from "@/components/ui/button";
import { SelectInput, TextInput } from "@/components/ui/field";
import { EmptyState, PageHeader } from "@/components/ui/layout";

export const metadata = { title: "Activity" };

export default async function ActivityPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const user = await requireUser();
  const params = await searchParams;
  const filters = filtersFromSearchParams(params);
  const caller = await getServerCaller();
  const [calls, clients, { agents }] = await Promise.all([
    caller.activity.list({ ...filters, limit: 100 }),
    caller.clients.list({ includeArchived: true }),
    caller.agents.list(),
  ]);
  const query = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1]) && entry[0] !== "before"),
  );
  const next = calls.length === 100 ? `?${new URLSearchParams({ ...Object.fromEntries(query), before: calls.at(-1)!.id })}` : null;
  return (
    <>
      <PageHeader
        title="Activity"
        description="Every tool call by every agent, across all clients or per client."
        actions={
          <>
            <a className={buttonClasses("secondary")} href={`/api/activity/export?${query}`}>
              Export CSV
            </a>
            {user.role === "admin" ? (
              <a
                className={buttonClasses("secondary")}
                href={`/api/activity/audit-export?${new URLSearchParams(params.from ? { from: params.from } : {})}`}
                title="Every audit event with its chain links, for an auditor to verify offline (see the README)"
              >
                Export audit (JSON Lines)
              </a>
            ) : null}
          </>
        }
      />
      <form
        method="get"
        role="search"
        aria-label="Filter calls"
        // Wraps rather than squeezes: every control keeps room for its longest choice.
        className="mb-4 grid gap-3 rounded-lg border border-slate-200 bg-white p-3 sm:grid-cols-2 lg:flex lg:flex-wrap lg:items-center"
      >
        <TextInput
          name="q"
          type="search"
          defaultValue={params.q ?? params.tool ?? ""}
          placeholder="Search tool, ticket, requester, approver"
          aria-label="Search"
          className="sm:col-span-2 lg:w-80 lg:flex-auto"
        />
        <SelectInput name="client" defaultValue={params.client ?? ""} aria-label="Client" className="lg:w-auto lg:min-w-60 lg:flex-auto">
          <option value="">All clients and the MSP</option>
          <option value="msp">MSP-wide integrations</option>
          {clients.map((client) => (
            <option key={client.id} value={client.id}>
              {client.name}
            </option>
          ))}
        </SelectInput>
        <SelectInput name="agent" defaultValue={params.agent ?? ""} aria-label="Agent" className="lg:w-auto lg:min-w-48 lg:flex-auto">
          <option value="">All agents</option>
          {agents.map((agent) => (
            <option key={agent.id} value={agent.id}>
              {agent.name}
            </option>
          ))}
        </SelectInput>
        <SelectInput name="status" defaultValue={params.status ?? ""} aria-label="Status" className="lg:w-auto lg:min-w-44">
          <option value="">Any status</option>
          {CALL_STATES.map((status) => (
            <option key={status} value={status}>
              {CALL_STATUS_LABELS[status]}
            </option>
          ))}
        </SelectInput>
        {/* The impact preview's link narrows to one integration's tools; filtering again keeps that. */}
        {params.integration ? <input type="hidden" name="integration" value={params.integration} /> : null}
        {params.tools ? <input type="hidden" name="tools" value={params.tools} /> : null}
        <TextInput name="from" type="date" defaultValue={params.from ?? ""} aria-label="From date" className="lg:w-auto" />
        <Button type="submit">Filter</Button>
      </form>
      {filters.tools?.length ? (
        <p className="mb-3 text-sm text-slate-600" data-testid="tools-filter">
          Only calls of {filters.tools.join(", ")}
          {filters.integrationId ? " in one integration" : ""} ·{" "}
          <Link className="text-brand-700 hover:underline" href="/activity">
            Show all calls
          </Link>
        </p>
      ) : null}
      {calls.length === 0 ? (
        <EmptyState title="No calls match">
          Each call an agent makes through the gateway — allowed, refused, waiting for approval, approved, denied — is listed here with its
          arguments, outcome and timeline.
        </EmptyState>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" aria-label="Calls">
          {calls.map((call) => (
            <li key={call.id}>
              <Link
                href={`/activity/${call.id}`}
                className="flex flex-col gap-1 p-3 hover:bg-slate-50 sm:flex-row sm:items-center sm:justify-between"
              >
                <span className="min-w-0 wrap-anywhere">
                  <span className="font-medium text-slate-900">
                    {call.integration} / {call.tool}
                  </span>
                  <span className="block text-sm text-slate-500">
                    {call.agentName} · {call.clientName ?? "MSP"}
                    {call.requesterEmail ? ` · for ${call.requesterEmail}` : ""}
                    {call.ticketId ? ` · ticket ${call.ticketId}` : ""}
                    {call.errorCode ? ` · ${call.errorCode}` : ""}
                    {call.decisionRule ? ` · ${decidingRuleWords(call.decisionRule)}` : ""}
                  </span>
                </span>
                <span className="flex shrink-0 items-center gap-3 text-sm text-slate-500">
                  <CallStatusBadge status={call.status} errorCode={call.errorCode} />
                  <RelativeTime date={call.createdAt} />
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {next ? (
        <p className="mt-4">
          <Link className={buttonClasses("secondary")} href={`/activity${next}`}>
            Older calls
          </Link>
        </p>
      ) : null}
    </>
  );
}
