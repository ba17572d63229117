import { decidingRuleWords } from "@/server/policy/rules";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getServerCaller } from "@/server/api/server-caller";
import { requesterSourceLabel } from "@/server/approvals/requester-source";
import { requireUser } from "@/server/auth/current-user";
import { CallStatusBadge } from "@/components/call-status-badge";
import { Badge, Card } from "@/components/ui/layout";
import { cx } from "@/components/ui/cx";
import { channelsInWords, reachesOnlyInbox } from "@/server/approvals/channel-words";
import { APPROVAL_STATUS_LABELS } from "@/server/calls/labels";
import { RunAgain } from "./run-again";

export const metadata = { title: "Call" };

const when = (date: Date | null) => (date ? new Date(date).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "medium" }) : "—");

export default async function CallPage({ params }: { params: Promise<{ callId: string }> }) {
  const user = await requireUser();
  const { callId } = await params;
  const call = await (await getServerCaller()).activity.detail({ callId }).catch(() => notFound());
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/activity" className="hover:underline">
          Activity
        </Link>{" "}
        → <code>{call.id}</code>
      </nav>
      <h1 className="flex flex-wrap items-center gap-2 text-2xl font-semibold text-slate-900">
        {call.integrationSlug} / {call.toolName} <CallStatusBadge status={call.status} errorCode={call.errorCode} />
      </h1>
      <p className="mt-1 text-sm text-slate-600">
        By {call.agentName} (key {call.agentKeyPrefix}…) for {call.clientName ?? "the MSP"} · {when(call.createdAt)}
        {call.latencyMs !== null ? ` · ${call.latencyMs} ms` : ""}
      </p>
      <div className="mt-6 grid gap-6 xl:grid-cols-2">
        <Card title="Request">
          <dl className="space-y-2 text-sm">
            <div>
              <dt className="font-medium text-slate-700">Decision</dt>
              <dd>{call.decisionReason}</dd>
            </div>
            {call.decisionRule ? (
              <div>
                <dt className="font-medium text-slate-700">Deciding rule</dt>
                <dd data-testid="deciding-rule">{decidingRuleWords(call.decisionRule)}</dd>
              </div>
            ) : null}
            {call.requesterEmail ? (
              <div>
                <dt className="font-medium text-slate-700">Requester</dt>
                <dd>
                  {call.requesterEmail}{" "}
                  <Badge
                    tone={
                      call.requesterSource === "verified_by_ticket" ? "green" : call.requesterSource === "named_by_model" ? "red" : "amber"
                    }
                  >
                    {requesterSourceLabel(call.requesterSource)}
                  </Badge>
                </dd>
              </div>
            ) : null}
            {call.ticketId ? (
              <div>
                <dt className="font-medium text-slate-700">Ticket</dt>
                <dd>
                  {call.ticketSystem} {call.ticketId}
                </dd>
              </div>
            ) : null}
            {call.reason ? (
              <div>
                <dt className="font-medium text-slate-700">Reason given by the agent</dt>
                <dd className="whitespace-pre-wrap">{call.reason}</dd>
              </div>
            ) : null}
            <div>
              <dt className="font-medium text-slate-700">Arguments</dt>
              <dd>
                <pre className="mt-1 max-h-96 overflow-auto rounded bg-slate-50 p-2 text-xs">{JSON.stringify(call.arguments, null, 2)}</pre>
                <p className="break-all text-xs text-slate-500">SHA-256 {call.argumentsDigest}</p>
              </dd>
            </div>
          </dl>
        </Card>
        <Card title="Outcome">
          {call.errorCode ? (
            <p className="text-sm text-red-700">
              <span className="font-medium">{call.errorCode}</span>: {call.errorMessage}
            </p>
          ) : null}
          {user.role === "admin" && (call.runAgain === "unreached" || call.runAgain === "unknown_outcome") ? (
            <RunAgain callId={call.id} outcomeUnknown={call.runAgain === "unknown_outcome"} />
          ) : null}
          {call.runAgain === "expired" ? (
            <p className="mt-2 text-sm text-slate-600">The approval has expired: the agent must ask again, and people approve anew.</p>
          ) : null}
          {call.result !== null ? (
            <pre className="max-h-96 overflow-auto rounded bg-slate-50 p-2 text-xs">{JSON.stringify(call.result, null, 2)}</pre>
          ) : null}
          {call.errorCode === null && call.result === null ? <p className="text-sm text-slate-600">No result yet.</p> : null}
          {call.approvals.length ? (
            <ul className="mt-4 space-y-3 text-sm" data-testid="call-approvals">
              {call.approvals.map((approval) => (
                <li key={approval.id}>
                  <span className="font-medium">{approval.kind === "manager" ? "Manager" : "Technician"}</span> approval
                  {approval.kind === "manager" && approval.approverName ? ` (${approval.approverName})` : ""}:{" "}
                  {APPROVAL_STATUS_LABELS[approval.status].toLowerCase()}
                  {approval.decidedByName ? ` by ${approval.decidedByName}` : ""}
                  {approval.decidedAt ? ` · ${when(approval.decidedAt)}` : ""}
                  {approval.comment ? ` — “${approval.comment}”` : ""}
                  {approval.escalationLevel > 0 ? (
                    <>
                      {" "}
                      <Badge tone="amber">{approval.escalationLevel > 1 ? "Escalated to admins" : "Escalated"}</Badge>
                    </>
                  ) : null}
                  <p className="text-xs text-slate-500">
                    {approval.channels.length ? `Reaches: ${channelsInWords(approval.channels)}` : "Reaches nobody: no channel is set up"}
                  </p>
                  {approval.kind === "technician" && reachesOnlyInbox(approval.channels) && approval.status === "pending" ? (
                    <p className="text-xs font-medium text-amber-800">
                      Nobody is told of this request outside the Approvals inbox: connect Slack or set up e-mail.
                    </p>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : null}
        </Card>
      </div>
      <Card title="Timeline" className="mt-6">
        <ol className="space-y-2 text-sm" data-testid="timeline">
          {call.timeline.map((entry) =>
            entry.type === "event" ? (
              <li
                key={entry.id}
                className={cx(
                  "flex flex-wrap gap-x-3",
                  entry.event.data.level === "warning" && "rounded bg-amber-50 px-2 py-1 text-amber-900",
                )}
                data-action={entry.event.action}
              >
                <span className="text-slate-500">{when(entry.at)}</span>
                <span className="font-medium">{entry.event.action}</span>
                <span className="text-slate-600">{entry.event.actorType}</span>
                {typeof entry.event.data.message === "string" ? <span>{entry.event.data.message}</span> : null}
              </li>
            ) : (
              <li key={entry.id} className="flex flex-wrap gap-x-3">
                <span className="text-slate-500">{when(entry.at)}</span>
                <span className="font-medium">
                  {entry.delivery.escalationLevel > 0 ? "escalation: " : ""}
                  {entry.delivery.channel} to {entry.delivery.recipient}: {entry.delivery.status}
                </span>
                <span className="text-slate-600">
                  {entry.delivery.attempts.length} attempt{entry.delivery.attempts.length === 1 ? "" : "s"}
                  {entry.delivery.lastError ? ` · last error: ${entry.delivery.lastError}` : ""}
                </span>
              </li>
            ),
          )}
        </ol>
      </Card>
    </>
  );
}
