"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/trpc/client";
import type { RouterOutputs } from "@/components/trpc/types";
import { RelativeTime } from "@/components/relative-time";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Field, TextInput } from "@/components/ui/field";
import { Badge, Card, EmptyState, Notice } from "@/components/ui/layout";
import { AgentLimits, type AgentLimitsProps } from "./agent-limits";

type Agent = RouterOutputs["agents"]["list"]["agents"][number];

type Secret = { title: string; lines: Array<[string, string]> };

export function AgentsManager({
  agents,
  allPaused,
  clients,
  isAdmin,
  tools,
}: {
  agents: Agent[];
  allPaused: boolean;
  clients: Array<{ id: string; name: string }>;
  isAdmin: boolean;
  tools: AgentLimitsProps["tools"];
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<Secret | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [allClients, setAllClients] = useState(true);
  const [editing, setEditing] = useState<string | null>(null);
  const onError = (caught: { message: string }) => setError(caught.message);
  const refresh = () => {
    setError(null);
    router.refresh();
  };
  const create = useMutation(trpc.agents.create.mutationOptions({ onError }));
  const issueKey = useMutation(trpc.agents.issueKey.mutationOptions({ onError }));
  const retireKey = useMutation(trpc.agents.retireKey.mutationOptions({ onError, onSuccess: refresh }));
  const revokeKey = useMutation(
    trpc.agents.revokeKey.mutationOptions({
      onError,
      onSuccess: (result) => {
        refresh();
        if (result.cancelledCalls > 0)
          setNotice(`Key revoked. ${result.cancelledCalls} call(s) made with it that were still waiting were cancelled.`);
      },
    }),
  );
  const setPaused = useMutation(trpc.agents.setPaused.mutationOptions({ onError, onSuccess: refresh }));
  const deleteAgent = useMutation(
    trpc.agents.delete.mutationOptions({
      onError,
      onSuccess: (result) => {
        refresh();
        setNotice(
          `Agent deleted: its keys no longer work and its calls stay in the Activity log.${
            result.cancelledCalls > 0 ? ` ${result.cancelledCalls} call(s) still waiting for approval were cancelled.` : ""
          }`,
        );
      },
    }),
  );
  const setAllPaused = useMutation(trpc.agents.setAllPaused.mutationOptions({ onError, onSuccess: refresh }));

  async function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const result = await create
      .mutateAsync({
        name: String(data.get("name")),
        scope: { allClients, clientIds: allClients ? [] : data.getAll("clientIds").map(String), mspWide: data.get("mspWide") === "on" },
        webhookUrl: String(data.get("webhookUrl") || "") || null,
      })
      .catch(() => null);
    if (!result) return;
    form.reset();
    setSecret({
      title: "Copy the agent's API key now: it is shown only once.",
      lines: [
        ["API key", result.key],
        ...(result.webhookSecret ? ([["Webhook signing secret", result.webhookSecret]] as Array<[string, string]>) : []),
      ],
    });
    refresh();
  }

  return (
    <div className="space-y-6">
      {error ? <Notice tone="error">{error}</Notice> : null}
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      {secret ? (
        <Notice tone="success">
          <p className="font-medium">{secret.title}</p>
          {secret.lines.map(([label, value]) => (
            <div key={label} className="mt-2 flex flex-col gap-2 sm:flex-row sm:items-center">
              <p className="min-w-0 break-all">
                {label}:{" "}
                <code
                  className="rounded bg-white px-1 font-mono text-xs"
                  data-testid={label === "API key" ? "new-api-key" : "new-webhook-secret"}
                >
                  {value}
                </code>
              </p>
              <div className="shrink-0">
                <CopyButton value={value} label={label} />
              </div>
            </div>
          ))}
        </Notice>
      ) : null}
      <section
        className={allPaused ? "rounded-lg border-2 border-red-300 bg-red-50 p-4" : "rounded-lg border border-slate-200 bg-white p-4"}
      >
        <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
          <div>
            <h2 className="font-semibold text-slate-900">Emergency stop</h2>
            <p className="text-sm text-slate-600">
              {allPaused
                ? "All agents are paused: every call is refused (403 agent_paused), and calls that were waiting for approval were cancelled."
                : "Pause every agent of the workspace at once: new calls are refused until you resume, and calls waiting for approval are cancelled (resuming does not revive them)."}
            </p>
          </div>
          {isAdmin ? (
            <Button
              variant={allPaused ? "primary" : "danger"}
              onClick={() => setAllPaused.mutate({ paused: !allPaused })}
              disabled={setAllPaused.isPending}
            >
              {allPaused ? "Resume all agents" : "Pause all agents"}
            </Button>
          ) : null}
        </div>
      </section>
      {isAdmin ? (
        <Card title="Create an agent">
          <form onSubmit={onCreate} className="space-y-4">
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Name" htmlFor="agent-name">
                <TextInput id="agent-name" name="name" required placeholder="Helpdesk agent" />
              </Field>
              <Field
                label="Configuration webhook (optional)"
                htmlFor="agent-webhook"
                hint="Receives the agent's tool list, signed, whenever it changes."
              >
                <TextInput id="agent-webhook" name="webhookUrl" type="url" placeholder="https://agent.example.com/toolgate" />
              </Field>
            </div>
            <fieldset className="space-y-2 text-sm">
              <legend className="font-medium text-slate-800">Which clients it may reach</legend>
              <label className="flex min-h-10 items-center gap-2">
                <input type="radio" name="scopeKind" checked={allClients} onChange={() => setAllClients(true)} className="h-5 w-5" /> All
                clients
              </label>
              <label className="flex min-h-10 items-center gap-2">
                <input type="radio" name="scopeKind" checked={!allClients} onChange={() => setAllClients(false)} className="h-5 w-5" /> Only
                these clients:
              </label>
              {!allClients ? (
                <div className="grid gap-1 pl-7 sm:grid-cols-2">
                  {clients.map((client) => (
                    <label key={client.id} className="flex min-h-10 items-center gap-2">
                      <input type="checkbox" name="clientIds" value={client.id} className="h-5 w-5" /> {client.name}
                    </label>
                  ))}
                </div>
              ) : null}
              <label className="flex min-h-10 items-center gap-2">
                <input type="checkbox" name="mspWide" defaultChecked className="h-5 w-5" /> Also the MSP’s own integrations (not tied to a
                client)
              </label>
            </fieldset>
            <Button type="submit" disabled={create.isPending}>
              Create agent and key
            </Button>
          </form>
        </Card>
      ) : null}
      {agents.length === 0 ? (
        <EmptyState title="No agents yet">
          Create an agent to get an API key. It calls POST /api/gateway or /api/mcp with it and sees only the tools its policies and scope
          allow.
        </EmptyState>
      ) : (
        <ul className="space-y-4">
          {agents.map((agent) => (
            <li key={agent.id} className="rounded-lg border border-slate-200 bg-white p-4">
              <div className="flex flex-col gap-2 sm:flex-row sm:items-start sm:justify-between">
                <div>
                  <p className="flex flex-wrap items-center gap-2 font-semibold text-slate-900">
                    {agent.name} {agent.paused ? <Badge tone="amber">Paused</Badge> : <Badge tone="green">Active</Badge>}
                    {agent.planMode ? <Badge tone="amber">Plan mode</Badge> : null}
                  </p>
                  <p className="text-sm text-slate-600 wrap-anywhere">
                    Scope: {agent.allClients ? "all clients" : agent.clients.map((client) => client.name).join(", ") || "no clients"}
                    {agent.mspWide ? " + MSP-wide integrations" : ""}
                    {agent.webhookUrl ? ` · webhook ${agent.webhookUrl}` : ""}
                  </p>
                </div>
                {isAdmin ? (
                  <div className="flex flex-wrap gap-2">
                    <Button
                      size="sm"
                      variant="secondary"
                      title={agent.paused ? "Accept this agent's calls again" : "Refuse its calls and cancel those waiting for approval"}
                      onClick={() => setPaused.mutate({ agentId: agent.id, paused: !agent.paused })}
                    >
                      {agent.paused ? "Resume" : "Pause"}
                    </Button>
                    <Button
                      size="sm"
                      variant="secondary"
                      onClick={async () => {
                        const result = await issueKey.mutateAsync({ agentId: agent.id }).catch(() => null);
                        if (result) {
                          setSecret({
                            title: `New key for ${agent.name}: copy it now, it is shown only once. The old key keeps working until you retire it.`,
                            lines: [["API key", result.key]],
                          });
                          refresh();
                        }
                      }}
                      title="Issue another key; the current one keeps working until you retire it"
                    >
                      New key (old one keeps working)
                    </Button>
                    <Button size="sm" variant="secondary" onClick={() => setEditing(editing === agent.id ? null : agent.id)}>
                      {editing === agent.id ? "Close edit" : "Edit"}
                    </Button>
                    <Button
                      size="sm"
                      variant="ghost"
                      className="text-red-700"
                      onClick={() => {
                        if (
                          window.confirm(
                            `Delete ${agent.name}? Its keys stop working at once and its calls waiting for approval are cancelled. Its calls and audit history stay in the Activity log.`,
                          )
                        )
                          deleteAgent.mutate({ agentId: agent.id });
                      }}
                    >
                      Delete
                    </Button>
                  </div>
                ) : null}
              </div>
              {isAdmin && editing === agent.id ? (
                <EditAgentForm
                  agent={agent}
                  clients={clients}
                  onDone={(message, webhookSecret) => {
                    setEditing(null);
                    setError(null);
                    setNotice(message);
                    if (webhookSecret)
                      setSecret({
                        title: `New webhook signing secret for ${agent.name}: copy it now, it is shown only once.`,
                        lines: [["Webhook signing secret", webhookSecret]],
                      });
                    router.refresh();
                  }}
                  onError={(message) => setError(message)}
                />
              ) : null}
              {isAdmin && agent.keys.some((key) => !key.revokedAt && !key.retiredAt) ? (
                <p className="mt-3 text-xs text-slate-500">
                  <strong>Retire</strong> a key after the agent has its new one: the key stops working, calls already made with it go on.{" "}
                  <strong>Revoke as compromised</strong>: the key stops working and its calls still waiting for approval are cancelled.
                </p>
              ) : null}
              <AgentLimits agent={agent} tools={tools} isAdmin={isAdmin} onSaved={refresh} onError={onError} />
              <ul className="mt-3 divide-y divide-slate-100 text-sm">
                {agent.keys.map((key) => (
                  <li key={key.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                    <span>
                      <code>{key.prefix}…</code> · created <RelativeTime date={new Date(key.createdAt)} /> ·{" "}
                      {key.lastUsedAt ? (
                        <>
                          last used <RelativeTime date={new Date(key.lastUsedAt)} />
                        </>
                      ) : (
                        "never used"
                      )}
                    </span>
                    <span className="flex flex-wrap items-center gap-2">
                      {key.revokedAt ? (
                        <Badge tone="red">Revoked as compromised</Badge>
                      ) : key.retiredAt ? (
                        <Badge tone="neutral">Retired</Badge>
                      ) : (
                        <Badge tone="green">Active</Badge>
                      )}
                      {isAdmin && !key.revokedAt && !key.retiredAt ? (
                        <Button
                          size="sm"
                          variant="ghost"
                          title="Stops accepting this key. Calls already made with it go on (approvals still count)."
                          onClick={() => retireKey.mutate({ keyId: key.id })}
                        >
                          Retire (rotation)
                        </Button>
                      ) : null}
                      {isAdmin && !key.revokedAt ? (
                        <Button
                          size="sm"
                          variant="ghost"
                          title="Stops accepting this key and cancels every call made with it that still waits for approval."
                          onClick={() => {
                            if (
                              window.confirm(
                                `Revoke ${key.prefix}… as compromised? It stops working at once, and every call made with it that is still waiting for approval is cancelled.`,
                              )
                            )
                              revokeKey.mutate({ keyId: key.id });
                          }}
                        >
                          Revoke as compromised
                        </Button>
                      ) : null}
                    </span>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Name, scope and webhook of one agent; the scope change goes through the server's access-change path. */
function EditAgentForm({
  agent,
  clients,
  onDone,
  onError,
}: {
  agent: Agent;
  clients: Array<{ id: string; name: string }>;
  onDone: (message: string, webhookSecret: string | null) => void;
  onError: (message: string) => void;
}) {
  const trpc = useTRPC();
  const rename = useMutation(trpc.agents.rename.mutationOptions());
  const setScope = useMutation(trpc.agents.setScope.mutationOptions());
  const setWebhook = useMutation(trpc.agents.setWebhook.mutationOptions());
  const [allClients, setAllClients] = useState(agent.allClients);
  const pending = rename.isPending || setScope.isPending || setWebhook.isPending;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const name = String(data.get("name") ?? "").trim();
    const clientIds = allClients ? [] : data.getAll("clientIds").map(String);
    const mspWide = data.get("mspWide") === "on";
    const webhookUrl = String(data.get("webhookUrl") ?? "").trim() || null;
    const sameClients =
      agent.allClients === allClients &&
      (allClients || (clientIds.length === agent.clients.length && agent.clients.every((client) => clientIds.includes(client.id))));
    const done: string[] = [];
    let webhookSecret: string | null = null;
    try {
      if (name !== agent.name) {
        await rename.mutateAsync({ agentId: agent.id, name });
        done.push("renamed");
      }
      if (!sameClients || mspWide !== agent.mspWide) {
        const { cancelledCalls } = await setScope.mutateAsync({ agentId: agent.id, scope: { allClients, clientIds, mspWide } });
        done.push(
          cancelledCalls > 0
            ? `scope changed; ${cancelledCalls} call(s) waiting for approval outside the new scope were cancelled`
            : "scope changed",
        );
      }
      if (webhookUrl !== agent.webhookUrl) {
        webhookSecret = (await setWebhook.mutateAsync({ agentId: agent.id, webhookUrl })).webhookSecret;
        done.push(webhookUrl ? "webhook set" : "webhook removed");
      }
    } catch (caught) {
      onError((caught as Error).message);
      return;
    }
    onDone(done.length ? `${agent.name}: ${done.join(", ")}.` : "Nothing to change.", webhookSecret);
  }

  return (
    <form
      onSubmit={onSubmit}
      className="mt-4 space-y-4 rounded-md border border-slate-200 bg-slate-50 p-4"
      aria-label={`Edit ${agent.name}`}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Name" htmlFor={`edit-name-${agent.id}`}>
          <TextInput id={`edit-name-${agent.id}`} name="name" required defaultValue={agent.name} />
        </Field>
        <Field
          label="Configuration webhook"
          htmlFor={`edit-webhook-${agent.id}`}
          hint="Empty: no webhook. A new URL gets a new signing secret, shown once."
        >
          <TextInput id={`edit-webhook-${agent.id}`} name="webhookUrl" type="url" defaultValue={agent.webhookUrl ?? ""} />
        </Field>
      </div>
      <fieldset className="space-y-2 text-sm">
        <legend className="font-medium text-slate-800">Which clients it may reach</legend>
        <p className="text-amber-800" data-testid="scope-warning">
          Narrowing the scope cancels this agent’s calls waiting for approval for the clients (or MSP-wide integrations) it loses.
        </p>
        <label className="flex min-h-10 items-center gap-2">
          <input type="radio" checked={allClients} onChange={() => setAllClients(true)} className="h-5 w-5" /> All clients
        </label>
        <label className="flex min-h-10 items-center gap-2">
          <input type="radio" checked={!allClients} onChange={() => setAllClients(false)} className="h-5 w-5" /> Only these clients:
        </label>
        {!allClients ? (
          <div className="grid gap-1 pl-7 sm:grid-cols-2">
            {clients.map((client) => (
              <label key={client.id} className="flex min-h-10 items-center gap-2">
                <input
                  type="checkbox"
                  name="clientIds"
                  value={client.id}
                  defaultChecked={agent.clients.some((chosen) => chosen.id === client.id)}
                  className="h-5 w-5"
                />{" "}
                {client.name}
              </label>
            ))}
          </div>
        ) : null}
        <label className="flex min-h-10 items-center gap-2">
          <input type="checkbox" name="mspWide" defaultChecked={agent.mspWide} className="h-5 w-5" /> Also the MSP’s own integrations
        </label>
      </fieldset>
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save agent"}
      </Button>
    </form>
  );
}
