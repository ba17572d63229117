"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { GrantListItem } from "@/server/grants/manage-grants";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/layout";

const shortTime = (date: Date) => new Date(date).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });

const valueText = (value: unknown) => {
  const text = JSON.stringify(value) ?? "null";
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
};

/** The active grants, each with what it allows, who gave it, until when, how often used, and Revoke. */
export function GrantsList({ grants }: { grants: GrantListItem[] }) {
  return (
    <ul className="space-y-4">
      {grants.map((grant) => (
        <GrantCard key={grant.id} grant={grant} />
      ))}
    </ul>
  );
}

function GrantCard({ grant }: { grant: GrantListItem }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
  const revoke = useMutation(
    trpc.grants.revoke.mutationOptions({
      onSuccess: () => router.refresh(),
      onError: (error) => setMessage(error.message),
    }),
  );
  const pinned = Object.entries(grant.pinnedArguments);
  return (
    <li className="rounded-lg border border-slate-200 bg-white p-4 text-sm" data-testid={`grant-${grant.id}`}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="font-semibold text-slate-900">
            {grant.agentName} may run “{grant.toolTitle ?? grant.toolName}” on {grant.integrationName}
            {grant.clientName ? ` for ${grant.clientName}` : ""}
          </p>
          <p className="text-slate-600">
            Approved by {grant.approvedBy} · until {shortTime(grant.expiresAt)} · used {grant.useCount}{" "}
            {grant.useCount === 1 ? "time" : "times"}
            {grant.lastUsedAt ? ` (last ${shortTime(grant.lastUsedAt)})` : ""}
          </p>
        </div>
        <Button variant="danger" size="sm" onClick={() => revoke.mutate({ grantId: grant.id })} disabled={revoke.isPending}>
          Revoke
        </Button>
      </div>
      <dl className="mt-3 grid gap-1">
        {pinned.map(([name, value]) => (
          <div key={name} className="flex min-w-0 flex-wrap gap-x-2">
            <dt className="font-medium text-slate-700">
              <code>{name}</code>
            </dt>
            <dd className="min-w-0 break-all font-mono text-xs leading-5 text-slate-800">{valueText(value)}</dd>
          </div>
        ))}
        {grant.unpinnedArguments.map((name) => (
          <div key={name} className="flex flex-wrap gap-x-2">
            <dt className="font-medium text-slate-700">
              <code>{name}</code>
            </dt>
            <dd className="font-medium text-amber-800">any value</dd>
          </div>
        ))}
        <div className="flex flex-wrap gap-x-2">
          <dt className="font-medium text-slate-700">Requester</dt>
          <dd className="break-all">{grant.requesterEmail ? `${grant.requesterEmail} (verified by a ticket)` : "any"}</dd>
        </div>
      </dl>
      <p className="mt-2 text-xs text-slate-500">
        Granted when approving{" "}
        <Link href={`/activity/${grant.callId}`} className="text-brand-700 hover:underline">
          this call
        </Link>
        . A change to the tool’s policy or definition voids it.
      </p>
      {message ? (
        <Notice tone="error" className="mt-3">
          {message}
        </Notice>
      ) : null}
    </li>
  );
}
