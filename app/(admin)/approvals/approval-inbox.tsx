"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { BatchReview } from "./batch-review";
import { requesterSourceLabel } from "@/server/approvals/requester-source";
import { useTRPC } from "@/components/trpc/client";
import type { RouterOutputs } from "@/components/trpc/types";
import { APPROVAL_STATUS_LABELS, callStateLabel } from "@/server/calls/labels";
import { channelsInWords, reachesOnlyInbox } from "@/server/approvals/channel-words";
import { Button } from "@/components/ui/button";
import { TextArea } from "@/components/ui/field";
import { Badge, Notice } from "@/components/ui/layout";
import { GrantChoice } from "./grant-choice";

/** One page of the inbox (the server pages it): waiting requests first, then recent decisions. */
export function ApprovalInbox({
  items,
  pendingCount,
  grantMaxHours,
  firstPageHref,
  nextPageHref,
  filter,
}: {
  items: InboxItem[];
  pendingCount: number;
  grantMaxHours: number;
  firstPageHref: string | null;
  nextPageHref: string | null;
  /** The batch view's narrowing, in words ("tool reset_password"), with the link that clears it. */
  filter?: { words: string; clearHref: string } | null;
}) {
  const pending = items.filter((item) => item.status === "pending");
  const decided = items.filter((item) => item.status !== "pending");
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  // Only what this user could decide is selectable: technician requests, not their own, not approved by them already.
  const selectable = pending.filter(batchable);
  const chosen = selectable.filter((item) => selected.has(item.id));
  const toggle = (id: string, on: boolean) =>
    setSelected((previous) => {
      const copy = new Set(previous);
      if (on) copy.add(id);
      else copy.delete(id);
      return copy;
    });
  return (
    <div className="space-y-8">
      <section>
        <h2 className="mb-3 text-base font-semibold text-slate-900">Waiting for a decision ({pendingCount})</h2>
        {filter ? (
          <p className="mb-3 text-sm text-slate-700" data-testid="inbox-filter">
            Showing technician requests waiting for a decision, {filter.words}.{" "}
            <Link href={filter.clearHref} className="font-medium text-brand-700 hover:underline">
              Show all requests
            </Link>
          </p>
        ) : null}
        {pendingCount === 0 ? <p className="text-sm text-slate-600">Nothing is waiting.</p> : null}
        {selectable.length > 1 ? (
          <label className="mb-3 flex min-h-10 items-center gap-2 text-sm">
            <input
              type="checkbox"
              className="h-5 w-5"
              checked={chosen.length === selectable.length}
              onChange={(event) => setSelected(event.target.checked ? new Set(selectable.map((item) => item.id)) : new Set())}
            />
            Select all {selectable.length} shown technician requests
          </label>
        ) : null}
        <div className="mb-4">
          <BatchReview items={chosen} onClear={() => setSelected(new Set())} />
        </div>
        <ul className="space-y-4">
          {pending.map((item) => (
            <PendingRequest
              key={item.id}
              item={item}
              grantMaxHours={grantMaxHours}
              selected={selected.has(item.id)}
              onSelect={batchable(item) ? (on) => toggle(item.id, on) : null}
            />
          ))}
        </ul>
      </section>
      {decided.length ? (
        <section>
          <h2 className="mb-3 text-base font-semibold text-slate-900">Recently decided</h2>
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white text-sm">
            {decided.map((item) => (
              <li
                key={item.id}
                className="flex flex-col gap-1 p-3 sm:flex-row sm:items-center sm:justify-between"
                data-testid={`decided-${item.id}`}
              >
                <span className="min-w-0">
                  <Link href={`/activity/${item.call.id}`} className="font-medium text-slate-900 hover:underline">
                    {item.call.tool}
                  </Link>{" "}
                  <span className="text-slate-500">
                    {item.kind} request
                    {item.decidedBy ? ` · ${APPROVAL_STATUS_LABELS[item.status].toLowerCase()} by ${item.decidedBy}` : ""}
                    {item.decidedAt ? ` · ${shortTime(item.decidedAt)}` : ""}
                    {item.denialKind === "not_my_report" ? " · manager says: not my report — fix the Directory" : ""}
                  </span>
                  <span className="block text-xs text-slate-500">
                    For {item.call.requesterName ?? item.call.requesterEmail ?? "no named requester"} · asked by {item.call.agentName} ·{" "}
                    {shortTime(item.createdAt)} · call: {callStateLabel(item.call)}
                  </span>
                </span>
                <Badge tone={REQUEST_TONES[item.status]}>{APPROVAL_STATUS_LABELS[item.status]}</Badge>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {firstPageHref || nextPageHref ? (
        <nav aria-label="Inbox pages" className="flex flex-wrap gap-4 text-sm">
          {firstPageHref ? (
            <Link href={firstPageHref} className="text-brand-700 hover:underline">
              ← First page
            </Link>
          ) : null}
          {nextPageHref ? (
            <Link href={nextPageHref} className="text-brand-700 hover:underline">
              More requests →
            </Link>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}

type InboxItem = RouterOutputs["approvals"]["inbox"]["items"][number];

const REQUEST_TONES = { pending: "violet", approved: "green", denied: "red", expired: "neutral", cancelled: "neutral" } as const;

const shortTime = (date: Date) => new Date(date).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });

const formatBytes = (bytes: number) => (bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KB`);

/** Whether a request may join a batch decision: a technician request the signed-in user could still approve. */
const batchable = (item: InboxItem) => item.status === "pending" && item.kind === "technician" && !item.mine && !item.votes?.mine;

/** Links that narrow the inbox to requests like this one, for a batch decision. */
function SimilarLinks({ item }: { item: InboxItem }) {
  const links: Array<[string, URLSearchParams]> = [];
  if (item.call.toolId) links.push(["Same tool", new URLSearchParams({ tool: item.call.toolId })]);
  if (item.call.requesterEmail) links.push(["Same requester", new URLSearchParams({ requester: item.call.requesterEmail })]);
  if (item.call.clientId) links.push(["Same client", new URLSearchParams({ client: item.call.clientId })]);
  if (!links.length) return null;
  return (
    <p className="flex flex-wrap gap-x-3 text-xs" aria-label="Show requests like this one">
      {links.map(([label, params]) => (
        <Link key={label} href={`/approvals?${params.toString()}`} className="text-brand-700 hover:underline">
          {label}
        </Link>
      ))}
    </p>
  );
}

function PendingRequest({
  item,
  grantMaxHours,
  selected,
  onSelect,
}: {
  item: InboxItem;
  grantMaxHours: number;
  selected: boolean;
  onSelect: ((on: boolean) => void) | null;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [comment, setComment] = useState("");
  const [message, setMessage] = useState<{ tone: "success" | "error" | "info"; text: string } | null>(null);
  const decide = useMutation(
    trpc.approvals.decide.mutationOptions({
      onError: (error) => setMessage({ tone: "error", text: error.message }),
      onSuccess: (outcome) => {
        setMessage(
          outcome.outcome === "decided"
            ? {
                tone: "success",
                text:
                  outcome.status === "approved"
                    ? outcome.votes && outcome.votes.given < outcome.votes.required
                      ? `Your approval is recorded: ${outcome.votes.given} of ${outcome.votes.required} technicians approved.`
                      : outcome.grant
                        ? `Approved: the call runs now, and the same call may run again without asking until ${shortTime(outcome.grant.expiresAt)} (see Grants).`
                        : outcome.callStatus === "approved"
                          ? "Approved: the call runs now."
                          : "Approved: waiting for the other approval."
                    : "Denied: the agent has been told.",
              }
            : outcome.reason
              ? { tone: "info", text: `Nothing was decided: ${outcome.reason}` }
              : { tone: "info", text: `Already ${outcome.status}${outcome.decidedBy ? ` by ${outcome.decidedBy}` : ""}: nothing changed.` },
        );
        router.refresh();
      },
    }),
  );
  const resend = useMutation(
    trpc.approvals.resendManagerRequest.mutationOptions({
      onSuccess: (result) =>
        setMessage({ tone: "success", text: `Sent again to ${result.to} by ${result.channels.join(" and ").replace("email", "e-mail")}.` }),
      onError: (error) => setMessage({ tone: "error", text: error.message }),
    }),
  );
  const call = item.call;
  return (
    <li className="rounded-lg border border-slate-200 bg-white p-4" data-testid={`approval-${item.id}`}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        {onSelect ? (
          <input
            type="checkbox"
            className="mt-1 h-5 w-5"
            aria-label={`Select “${call.tool}” for ${call.requesterName ?? call.requesterEmail ?? "no named requester"}`}
            checked={selected}
            onChange={(event) => onSelect(event.target.checked)}
          />
        ) : null}
        <div className="min-w-0 flex-1">
          <p className="font-semibold text-slate-900">
            {call.agentName} wants to run “{call.tool}” on {call.integration}
            {call.clientName ? ` for ${call.clientName}` : ""}
          </p>
          <p className="text-sm text-slate-600">
            {item.kind === "technician"
              ? "Technician approval"
              : `Manager approval — addressed to ${item.managerName ?? "the manager"} (${item.managerEmail ?? "?"})`}{" "}
            · expires {shortTime(item.expiresAt)}
          </p>
          {item.others.map((other) => (
            <p key={other.kind} className="text-sm text-slate-700" data-testid="other-approval">
              {other.kind === "manager" ? "Manager" : "Technician"}:{" "}
              {other.status === "pending"
                ? "not decided yet"
                : `${APPROVAL_STATUS_LABELS[other.status].toLowerCase()}${other.decidedBy ? ` by ${other.decidedBy}` : ""}`}
            </p>
          ))}
          {item.votes && item.votes.required > 1 ? (
            <p className="text-sm font-medium text-slate-800" data-testid="votes">
              {item.votes.given} of {item.votes.required} technicians approved
              {item.votes.by.length ? ` (${item.votes.by.join(", ")})` : ""}
              {item.votes.mine ? " — you approved; another technician must approve too" : ""}
            </p>
          ) : null}
          <p className="text-xs text-slate-500" data-testid="reach">
            {item.channels.length ? `Sent to: ${channelsInWords(item.channels)}` : "Sent nowhere: no channel can reach the manager"}
          </p>
          {item.kind === "technician" && reachesOnlyInbox(item.channels) ? (
            <p className="text-xs font-medium text-amber-800">Only this inbox shows it: nobody was notified.</p>
          ) : null}
          {item.kind === "technician" ? <SimilarLinks item={item} /> : null}
        </div>
        <span className="flex flex-wrap gap-2">
          {item.escalationLevel > 0 ? <Badge tone="amber">{item.escalationLevel > 1 ? "Escalated to admins" : "Escalated"}</Badge> : null}
          <Badge tone="violet">Waiting</Badge>
        </span>
      </div>
      <dl className="mt-3 grid gap-2 text-sm sm:grid-cols-2">
        <div>
          <dt className="font-medium text-slate-700">Requester</dt>
          <dd>
            {call.requesterEmail ? `${call.requesterName ? `${call.requesterName} · ` : ""}${call.requesterEmail}` : "None named"}{" "}
            {call.requesterEmail ? (
              <Badge
                tone={call.requesterSource === "verified_by_ticket" ? "green" : call.requesterSource === "named_by_model" ? "red" : "amber"}
              >
                {requesterSourceLabel(call.requesterSource)}
              </Badge>
            ) : null}
          </dd>
        </div>
        {call.ticket ? (
          <div>
            <dt className="font-medium text-slate-700">Ticket</dt>
            <dd>{call.ticket}</dd>
          </div>
        ) : null}
        {call.reason ? (
          <div className="sm:col-span-2">
            <dt className="font-medium text-slate-700">Reason</dt>
            <dd>{call.reason}</dd>
          </div>
        ) : null}
        <div className="sm:col-span-2">
          <dt className="font-medium text-slate-700">Arguments (exactly what will run)</dt>
          <dd>
            <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 text-xs">
              {call.argumentsSummary.text}
            </pre>
            {call.argumentsSummary.shortened ? (
              <p className="mt-1 text-xs text-amber-800">
                Shortened: the arguments are {formatBytes(call.argumentsSummary.bytes)} in all.{" "}
                <Link href={`/activity/${call.id}`} className="font-medium underline">
                  Read them in full
                </Link>{" "}
                before deciding.
              </p>
            ) : null}
          </dd>
        </div>
      </dl>
      {message ? (
        <Notice tone={message.tone} className="mt-3">
          {message.text}
        </Notice>
      ) : null}
      {item.kind === "technician" ? (
        item.mine ? (
          <p className="mt-3 text-sm text-amber-800">You are the requester of this call: another technician must decide it.</p>
        ) : item.votes?.mine ? (
          <p className="mt-3 text-sm text-slate-700">You approved this request: it waits for another technician.</p>
        ) : (
          <div className="mt-3 space-y-2">
            <TextArea
              aria-label="Comment"
              placeholder="Comment (optional)"
              rows={2}
              value={comment}
              onChange={(event) => setComment(event.target.value)}
            />
            <div className="flex flex-wrap gap-2">
              <Button
                onClick={() => decide.mutate({ approvalRequestId: item.id, decision: "approve", comment: comment || undefined })}
                disabled={decide.isPending}
              >
                Approve
              </Button>
              <Button
                variant="danger"
                onClick={() => decide.mutate({ approvalRequestId: item.id, decision: "deny", comment: comment || undefined })}
                disabled={decide.isPending}
              >
                Deny
              </Button>
              <Link href={`/activity/${call.id}`} className="ml-auto self-center text-sm text-brand-700 hover:underline">
                Timeline
              </Link>
            </div>
            <GrantChoice
              argumentNames={call.argumentNames}
              maxHours={grantMaxHours}
              requesterVerified={call.requesterSource === "verified_by_ticket"}
              requester={call.requesterEmail}
              agentName={call.agentName}
              disabled={decide.isPending}
              onConfirm={(grant) =>
                decide.mutate({ approvalRequestId: item.id, decision: "approve", comment: comment || undefined, grant })
              }
            />
          </div>
        )
      ) : (
        <div className="mt-3 space-y-2 text-sm">
          <p className="text-slate-600">Only the manager can decide this request, from the link sent to them.</p>
          <Button size="sm" variant="secondary" onClick={() => resend.mutate({ approvalRequestId: item.id })} disabled={resend.isPending}>
            Re-send to the manager
          </Button>
        </div>
      )}
    </li>
  );
}
