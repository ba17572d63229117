"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/trpc/client";
import type { RouterOutputs } from "@/components/trpc/types";
import { Button } from "@/components/ui/button";
import { Field, TextInput } from "@/components/ui/field";
import { Badge, Card, EmptyState, Notice } from "@/components/ui/layout";

type Client = RouterOutputs["clients"]["list"][number];

export function ClientsManager({ clients, isAdmin }: { clients: Client[]; isAdmin: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const done = (message?: string) => {
    setError(null);
    setNotice(message ?? null);
    router.refresh();
  };
  const onError = (caught: { message: string }) => setError(caught.message);
  const create = useMutation(trpc.clients.create.mutationOptions({ onError }));
  const rename = useMutation(trpc.clients.rename.mutationOptions({ onError, onSuccess: () => (setRenaming(null), done()) }));
  const archive = useMutation(
    trpc.clients.setArchived.mutationOptions({
      onError,
      onSuccess: (result, input) =>
        done(
          input.archived
            ? `Archived. ${result.pausedIntegrations} integration(s) paused: agents no longer see their tools.`
            : "Restored. Its integrations stay paused until you resume them.",
        ),
    }),
  );

  async function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const created = await create
      .mutateAsync({ name: String(data.get("name")), slug: String(data.get("slug") || "") || undefined })
      .catch(() => null);
    if (created) {
      form.reset();
      done(`Client created (slug ${created.slug}).`);
    }
  }

  return (
    <div className="space-y-6">
      {error ? <Notice tone="error">{error}</Notice> : null}
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      {isAdmin ? (
        <Card title="Add a client">
          <form onSubmit={onCreate} className="grid gap-4 sm:grid-cols-[2fr_1fr_auto] sm:items-end">
            <Field label="Name" htmlFor="client-name">
              <TextInput id="client-name" name="name" required placeholder="Contoso Dental" />
            </Field>
            <Field label="Slug (optional)" htmlFor="client-slug" hint="Used in URLs and agent scopes; made from the name if left empty.">
              <TextInput id="client-slug" name="slug" pattern="[a-z0-9][a-z0-9-]{0,39}" placeholder="contoso-dental" />
            </Field>
            <Button type="submit" disabled={create.isPending}>
              Add client
            </Button>
          </form>
        </Card>
      ) : null}
      {clients.length === 0 ? (
        <EmptyState title="No clients yet">
          Add the companies you serve. Each client gets its own integrations and its own Directory of people and managers.
        </EmptyState>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
          {clients.map((client) => (
            <li key={client.id} className="flex flex-col gap-3 p-4 sm:flex-row sm:items-center sm:justify-between">
              <div className="min-w-0">
                {renaming === client.id ? (
                  <form
                    className="flex gap-2"
                    onSubmit={(event) => {
                      event.preventDefault();
                      rename.mutate({ clientId: client.id, name: String(new FormData(event.currentTarget).get("name")) });
                    }}
                  >
                    <TextInput name="name" defaultValue={client.name} aria-label={`New name for ${client.name}`} autoFocus />
                    <Button type="submit" size="sm">
                      Save
                    </Button>
                    <Button size="sm" variant="ghost" onClick={() => setRenaming(null)}>
                      Cancel
                    </Button>
                  </form>
                ) : (
                  <p className="font-medium text-slate-900">
                    {client.name} {client.archivedAt ? <Badge tone="amber">Archived</Badge> : null}
                  </p>
                )}
                <p className="text-sm text-slate-500">
                  {client.slug} · {client.integrationCount} integration{client.integrationCount === 1 ? "" : "s"} ·{" "}
                  <Link className="text-brand-700 hover:underline" href={`/directory?client=${client.id}`}>
                    {client.peopleCount} in directory
                  </Link>
                </p>
              </div>
              {isAdmin ? (
                <div className="flex gap-2">
                  <Button size="sm" variant="ghost" onClick={() => setRenaming(client.id)}>
                    Rename
                  </Button>
                  <Button
                    size="sm"
                    variant="secondary"
                    onClick={() => archive.mutate({ clientId: client.id, archived: !client.archivedAt })}
                  >
                    {client.archivedAt ? "Restore" : "Archive"}
                  </Button>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
