"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/trpc/client";
import type { RouterOutputs } from "@/components/trpc/types";
import { Button } from "@/components/ui/button";
import { Field, SelectInput, TextArea, TextInput } from "@/components/ui/field";
import { Card, EmptyState, Notice } from "@/components/ui/layout";

type Person = RouterOutputs["directory"]["list"][number];
type Report = RouterOutputs["directory"]["importCsv"];

export function DirectoryManager({
  client,
  people,
  isAdmin,
}: {
  client: { id: string; name: string };
  people: Person[];
  isAdmin: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [csv, setCsv] = useState("");
  const [report, setReport] = useState<Report | null>(null);
  const onError = (caught: { message: string }) => setError(caught.message);
  const refresh = () => {
    setError(null);
    router.refresh();
  };
  const add = useMutation(trpc.directory.add.mutationOptions({ onError }));
  const update = useMutation(trpc.directory.update.mutationOptions({ onError, onSuccess: refresh }));
  const remove = useMutation(trpc.directory.remove.mutationOptions({ onError, onSuccess: refresh }));
  const importCsv = useMutation(trpc.directory.importCsv.mutationOptions({ onError }));

  async function onAdd(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const managerId = String(data.get("managerId") || "") || null;
    const ok = await add
      .mutateAsync({
        clientId: client.id,
        email: String(data.get("email")),
        name: String(data.get("name")),
        managerId,
        slackUserId: String(data.get("slackUserId") || "") || null,
      })
      .catch(() => null);
    if (ok) {
      form.reset();
      refresh();
    }
  }

  async function runImport(importValidRows: boolean) {
    const result = await importCsv.mutateAsync({ clientId: client.id, csv, importValidRows }).catch(() => null);
    if (!result) return;
    setReport(result);
    if (result.applied) {
      setCsv("");
      refresh();
    }
  }

  return (
    <div className="space-y-6">
      {error ? <Notice tone="error">{error}</Notice> : null}
      {people.length === 0 ? (
        <EmptyState title={`No people in ${client.name}’s directory yet`}>
          Add people by hand or import a CSV file with their managers below.
        </EmptyState>
      ) : (
        // One list of people: a table from md up, a stack of cards on a phone (same elements, so
        // every control keeps one label and nothing scrolls sideways).
        <div className="rounded-lg border border-slate-200 bg-white md:overflow-x-auto">
          <table className="block w-full text-sm md:table md:min-w-full md:divide-y md:divide-slate-200" data-testid="directory-people">
            <thead className="hidden bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500 md:table-header-group">
              <tr>
                <th className="px-4 py-3">Person</th>
                <th className="px-4 py-3">Manager</th>
                <th className="px-4 py-3">Slack</th>
                {isAdmin ? <th className="px-4 py-3 text-right">Actions</th> : null}
              </tr>
            </thead>
            <tbody className="block divide-y divide-slate-100 md:table-row-group">
              {people.map((person) => (
                <tr key={person.id} className="grid grid-cols-[1fr_auto] gap-x-3 gap-y-2 p-4 md:table-row md:p-0">
                  <td className="col-span-2 min-w-0 md:table-cell md:px-4 md:py-3">
                    <p className="font-medium text-slate-900">{person.name}</p>
                    <p className="break-all text-slate-500">{person.email}</p>
                    {person.reports > 0 ? (
                      <p className="text-xs text-slate-500">
                        {person.reports} direct report{person.reports === 1 ? "" : "s"}
                      </p>
                    ) : null}
                  </td>
                  <td className="min-w-0 md:table-cell md:px-4 md:py-3">
                    <span className="mb-1 block text-xs font-medium text-slate-500 md:hidden">Manager</span>
                    {isAdmin ? (
                      <SelectInput
                        aria-label={`Manager of ${person.name}`}
                        value={person.managerId ?? ""}
                        className="w-full md:min-w-44"
                        onChange={(event) => update.mutate({ personId: person.id, managerId: event.target.value || null })}
                      >
                        <option value="">— none —</option>
                        {people
                          .filter((candidate) => candidate.id !== person.id)
                          .map((candidate) => (
                            <option key={candidate.id} value={candidate.id}>
                              {candidate.name}
                            </option>
                          ))}
                      </SelectInput>
                    ) : (
                      (person.managerName ?? "—")
                    )}
                  </td>
                  <td className="row-start-3 min-w-0 font-mono text-xs text-slate-600 md:table-cell md:px-4 md:py-3">
                    <span className="font-sans font-medium text-slate-500 md:hidden">Slack: </span>
                    {person.slackUserId ?? "—"}
                  </td>
                  {isAdmin ? (
                    <td className="self-end md:table-cell md:px-4 md:py-3 md:text-right">
                      <Button size="sm" variant="ghost" onClick={() => remove.mutate({ personId: person.id })}>
                        Remove
                      </Button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {isAdmin ? (
        <div className="grid gap-6 xl:grid-cols-2">
          <Card title="Add a person">
            <form onSubmit={onAdd} className="space-y-4">
              <div className="grid gap-4 sm:grid-cols-2">
                <Field label="Name" htmlFor="person-name">
                  <TextInput id="person-name" name="name" required />
                </Field>
                <Field label="E-mail" htmlFor="person-email">
                  <TextInput id="person-email" name="email" type="email" required />
                </Field>
                <Field label="Manager" htmlFor="person-manager">
                  <SelectInput id="person-manager" name="managerId" defaultValue="">
                    <option value="">— none —</option>
                    {people.map((candidate) => (
                      <option key={candidate.id} value={candidate.id}>
                        {candidate.name}
                      </option>
                    ))}
                  </SelectInput>
                </Field>
                <Field label="Slack user id (optional)" htmlFor="person-slack" hint="Looked up by e-mail when empty.">
                  <TextInput id="person-slack" name="slackUserId" placeholder="U0123ABCD" />
                </Field>
              </div>
              <Button type="submit" disabled={add.isPending}>
                Add person
              </Button>
            </form>
          </Card>
          <Card title="Import from CSV">
            <div className="space-y-3">
              <p className="text-sm text-slate-600">
                Columns: <code className="rounded bg-slate-100 px-1 break-all">email,name,manager_email[,slack_user_id]</code>. Known people
                are updated. A file with any bad row imports nothing until you choose to import only the good rows.
              </p>
              <input
                type="file"
                accept=".csv,text/csv"
                aria-label="CSV file"
                className="block w-full text-sm"
                onChange={async (event) => {
                  const file = event.target.files?.[0];
                  if (file) setCsv(await file.text());
                }}
              />
              <TextArea
                aria-label="CSV text"
                rows={6}
                value={csv}
                onChange={(event) => setCsv(event.target.value)}
                placeholder="email,name,manager_email"
                className="font-mono"
              />
              <Button onClick={() => runImport(false)} disabled={!csv.trim() || importCsv.isPending}>
                Import
              </Button>
              {report ? <ImportReportView report={report} onImportValid={() => runImport(true)} /> : null}
            </div>
          </Card>
        </div>
      ) : null}
    </div>
  );
}

function ImportReportView({ report, onImportValid }: { report: Report; onImportValid: () => void }) {
  return (
    <div className="space-y-3" data-testid="import-report">
      {report.applied ? (
        <Notice tone="success">
          Imported: {report.created} added, {report.updated} updated{report.errors.length ? `; ${report.errors.length} row(s) skipped` : ""}
          .
        </Notice>
      ) : (
        <Notice tone="warning">Nothing was imported: {report.errors.length} row(s) need fixing.</Notice>
      )}
      {report.errors.length ? (
        <ul className="max-h-64 space-y-1 overflow-y-auto rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          {report.errors.map((error) => (
            <li key={error.line}>
              <span className="font-semibold">Line {error.line}</span>
              {error.email ? ` (${error.email})` : ""}: {error.message}
            </li>
          ))}
        </ul>
      ) : null}
      {!report.applied && report.validRows > 0 ? (
        <Button variant="secondary" onClick={onImportValid}>
          Import the {report.validRows} good row{report.validRows === 1 ? "" : "s"} only
        </Button>
      ) : null}
    </div>
  );
}
