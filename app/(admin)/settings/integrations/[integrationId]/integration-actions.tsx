"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import type { RouterOutputs } from "@/components/trpc/types";
import { Button } from "@/components/ui/button";
import { Field, TextInput } from "@/components/ui/field";
import { Notice } from "@/components/ui/layout";

/** Re-sync, pause/resume, disconnect, and edit settings or rotate credentials. */
export function IntegrationActions({ detail }: { detail: RouterOutputs["integrations"]["get"] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const [editing, setEditing] = useState(false);
  const [fieldError, setFieldError] = useState<{ field: string; text: string } | null>(null);
  const onError = (caught: { message: string }) => setMessage({ tone: "error", text: caught.message });
  const resync = useMutation(
    trpc.integrations.resync.mutationOptions({
      onError,
      onSuccess: (summary) => {
        setMessage({
          tone: "success",
          text: `Re-synced: ${summary.added.length} new, ${summary.removed.length} removed, ${summary.changed.length} changed (flagged for review), ${summary.unchanged} unchanged.`,
        });
        router.refresh();
      },
    }),
  );
  const setStatus = useMutation(trpc.integrations.setStatus.mutationOptions({ onError, onSuccess: () => router.refresh() }));
  const setPrefix = useMutation(trpc.integrations.setMcpPrefix.mutationOptions({ onError }));
  const update = useMutation(
    trpc.integrations.update.mutationOptions({
      onError: (caught) => {
        // A refusal about one field (a new URL without the credential again) is shown beside it.
        const field = (caught as { data?: { field?: string | null } }).data?.field;
        setFieldError(field ? { field, text: caught.message } : null);
        if (!field) onError(caught);
      },
      onSuccess: () => {
        setFieldError(null);
        setEditing(false);
        setMessage({ tone: "success", text: "Settings saved and tested." });
        router.refresh();
      },
    }),
  );

  return (
    <div className="flex flex-col items-stretch gap-2 lg:items-end">
      <div className="flex flex-wrap gap-2">
        {detail.status !== "disconnected" ? (
          <Button variant="secondary" onClick={() => resync.mutate({ integrationId: detail.id })} disabled={resync.isPending}>
            {resync.isPending ? "Re-syncing…" : "Re-sync tools"}
          </Button>
        ) : null}
        {detail.status === "active" ? (
          <Button variant="secondary" onClick={() => setStatus.mutate({ integrationId: detail.id, status: "paused" })}>
            Pause
          </Button>
        ) : (
          <Button variant="secondary" onClick={() => setStatus.mutate({ integrationId: detail.id, status: "active" })}>
            {detail.status === "paused" ? "Resume" : "Reconnect"}
          </Button>
        )}
        <Button variant="ghost" onClick={() => setEditing(!editing)} aria-expanded={editing}>
          Settings
        </Button>
        {detail.status !== "disconnected" ? (
          <Button
            variant="ghost"
            onClick={() => {
              if (window.confirm(`Disconnect ${detail.name}? Its tools disappear from agents at once; their history is kept.`))
                setStatus.mutate({ integrationId: detail.id, status: "disconnected" });
            }}
          >
            Disconnect
          </Button>
        ) : null}
      </div>
      {message ? <Notice tone={message.tone}>{message.text}</Notice> : null}
      {editing ? (
        <form
          className="w-full space-y-3 rounded-lg border border-slate-200 bg-white p-4 lg:w-96"
          onSubmit={async (event) => {
            event.preventDefault();
            const data = new FormData(event.currentTarget);
            const value = (key: string) => String(data.get(key) ?? "") || undefined;
            const prefix = value("mcpPrefix") ?? null;
            if (prefix !== detail.mcpPrefix && !(await setPrefix.mutateAsync({ integrationId: detail.id, prefix }).catch(() => null)))
              return;
            update.mutate({
              integrationId: detail.id,
              name: value("name"),
              ...(detail.kind === "mcp" ? { url: value("url"), authHeaderName: value("authHeaderName") } : {}),
              credentials: {
                authHeaderValue: value("authHeaderValue"),
                botToken: value("botToken"),
                signingSecret: value("signingSecret"),
              },
            });
          }}
        >
          <Field label="Name" htmlFor="edit-name">
            <TextInput id="edit-name" name="name" defaultValue={detail.name} />
          </Field>
          <Field
            label="MCP name prefix"
            htmlFor="edit-mcp-prefix"
            hint={`Agents on MCP see its tools as <prefix>__<tool>. Empty: the slug (${detail.slug}). Changing it renames the tools for agents.`}
          >
            <TextInput
              id="edit-mcp-prefix"
              name="mcpPrefix"
              defaultValue={detail.mcpPrefix ?? ""}
              placeholder={detail.slug}
              maxLength={20}
            />
          </Field>
          {detail.kind === "mcp" ? (
            <>
              <Field label="URL" htmlFor="edit-url">
                <TextInput id="edit-url" name="url" defaultValue={detail.url ?? ""} />
              </Field>
              <Field label="Auth header name" htmlFor="edit-header-name">
                <TextInput id="edit-header-name" name="authHeaderName" defaultValue={detail.authHeaderName ?? "Authorization"} />
              </Field>
              <Field
                label="New auth header value"
                htmlFor="edit-header-value"
                hint={detail.credentialsSet.authHeaderValue ? "A value is stored. Leave empty to keep it." : "None stored."}
                error={fieldError?.field === "authHeaderValue" ? fieldError.text : null}
              >
                <TextInput id="edit-header-value" name="authHeaderValue" type="password" autoComplete="off" />
              </Field>
            </>
          ) : null}
          {detail.kind === "slack" ? (
            <>
              <Field label="New bot token" htmlFor="edit-bot-token" hint="A token is stored. Leave empty to keep it.">
                <TextInput id="edit-bot-token" name="botToken" type="password" autoComplete="off" />
              </Field>
              <Field
                label="New signing secret"
                htmlFor="edit-signing"
                hint={
                  detail.credentialsSet.signingSecret
                    ? "A secret is stored. Leave empty to keep it."
                    : "None stored: Slack buttons link to the approval page."
                }
              >
                <TextInput id="edit-signing" name="signingSecret" type="password" autoComplete="off" />
              </Field>
            </>
          ) : null}
          <Button type="submit" disabled={update.isPending}>
            {update.isPending ? "Testing and saving…" : "Test and save"}
          </Button>
        </form>
      ) : null}
    </div>
  );
}
