"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import type { RouterOutputs } from "@/components/trpc/types";
import { Button } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { Field, SelectInput, TextInput } from "@/components/ui/field";
import { Badge, Card, Notice } from "@/components/ui/layout";
import { POLICY_SHORT_LABELS } from "@/components/integration-labels";
import type { NewToolStart } from "@/db/schema";

type Kind = "mcp" | "slack" | "demo_directory" | "jira" | "connectwise";
const KINDS: Array<{ kind: Kind; title: string; body: string }> = [
  { kind: "mcp", title: "MCP server", body: "Any server speaking the Model Context Protocol over Streamable HTTP." },
  { kind: "slack", title: "Slack", body: "Look people up, post messages, manage channels with a bot token." },
  { kind: "demo_directory", title: "Demo directory", body: "A sample user directory served by Toolgate itself, with its own data." },
  { kind: "jira", title: "Jira", body: "Ticketing: approval notes on issues, and the reporter confirms who asked." },
  { kind: "connectwise", title: "ConnectWise Manage", body: "Ticketing: approval notes on tickets, and the contact confirms who asked." },
];

const slugFrom = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);

type TestResult = RouterOutputs["integrations"]["testConnection"];

const START_LABELS: Record<NewToolStart, string> = {
  classified: "Start with the defaults below",
  approval_needed: "Start with every tool needing approval",
  disabled: "Start with every tool disabled until reviewed",
};

export function ConnectForm({
  clients,
  datasets,
  initialClientId,
}: {
  clients: Array<{ id: string; name: string }>;
  datasets: Array<{ id: string; name: string }>;
  initialClientId: string | null;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [kind, setKind] = useState<Kind>("mcp");
  const [clientId, setClientId] = useState<string>(initialClientId ?? "");
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  const [url, setUrl] = useState("");
  const [headerName, setHeaderName] = useState("Authorization");
  const [headerValue, setHeaderValue] = useState("");
  const [botToken, setBotToken] = useState("");
  const [signingSecret, setSigningSecret] = useState("");
  const [dataset, setDataset] = useState(datasets[0]?.id ?? "");
  const [ticketing, setTicketing] = useState({
    siteUrl: "",
    accountEmail: "",
    apiToken: "",
    companyId: "",
    clientId: "",
    publicKey: "",
    privateKey: "",
  });
  const setTicketingField = (field: keyof typeof ticketing) => (event: { target: { value: string } }) =>
    setTicketing({ ...ticketing, [field]: event.target.value });
  const [error, setError] = useState<string | null>(null);
  const [tested, setTested] = useState<TestResult | null>(null);
  // Null: the workspace's remembered choice (the preview preselects it).
  const [start, setStart] = useState<NewToolStart | null>(null);

  const test = useMutation(trpc.integrations.testConnection.mutationOptions());
  const connect = useMutation(trpc.integrations.connect.mutationOptions());

  const settings = () =>
    kind === "mcp"
      ? { kind, url, authHeaderName: headerName, authHeaderValue: headerValue || undefined }
      : kind === "slack"
        ? { kind, botToken, signingSecret: signingSecret || undefined }
        : kind === "jira"
          ? { kind, siteUrl: ticketing.siteUrl, accountEmail: ticketing.accountEmail, apiToken: ticketing.apiToken }
          : kind === "connectwise"
            ? {
                kind,
                siteUrl: ticketing.siteUrl,
                companyId: ticketing.companyId,
                clientId: ticketing.clientId,
                publicKey: ticketing.publicKey,
                privateKey: ticketing.privateKey,
              }
            : { kind, dataset };

  async function onTest() {
    setError(null);
    setTested(null);
    const current = settings();
    if (current.kind === "demo_directory") return;
    try {
      const result = await test.mutateAsync(current);
      setTested(result);
      setStart((chosen) => chosen ?? result.start);
    } catch (caught) {
      setError((caught as Error).message);
    }
  }

  async function onConnect() {
    setError(null);
    try {
      const result = await connect.mutateAsync({
        clientId: clientId || null,
        name,
        slug,
        settings: settings(),
        ...(start ? { start } : {}),
      });
      router.push(`/settings/integrations/${result.integrationId}?connected=1`);
    } catch (caught) {
      setError((caught as Error).message);
    }
  }

  const busy = test.isPending || connect.isPending;
  return (
    <div className="max-w-3xl space-y-6">
      <Card title="1. What to connect">
        <fieldset>
          <legend className="sr-only">Integration kind</legend>
          <div className="grid gap-3 sm:grid-cols-3 lg:grid-cols-5">
            {KINDS.map((option) => (
              <label
                key={option.kind}
                className={cx(
                  "cursor-pointer rounded-lg border p-3 text-sm",
                  kind === option.kind ? "border-brand-600 bg-brand-50 ring-1 ring-brand-600" : "border-slate-200 hover:border-slate-300",
                )}
              >
                <input
                  type="radio"
                  name="kind"
                  value={option.kind}
                  checked={kind === option.kind}
                  onChange={() => {
                    setKind(option.kind);
                    setTested(null);
                    setError(null);
                  }}
                  className="sr-only"
                />
                <span className="block font-semibold text-slate-900">{option.title}</span>
                <span className="mt-1 block text-slate-600">{option.body}</span>
              </label>
            ))}
          </div>
        </fieldset>
      </Card>

      <Card title="2. Who it serves and what agents call it">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            label="Serves"
            htmlFor="scope"
            hint="A client’s integration holds that client’s tools; agents limited to other clients never see them."
          >
            <SelectInput id="scope" value={clientId} onChange={(event) => setClientId(event.target.value)}>
              <option value="">The whole MSP</option>
              {clients.map((client) => (
                <option key={client.id} value={client.id}>
                  Client: {client.name}
                </option>
              ))}
            </SelectInput>
          </Field>
          <Field label="Name" htmlFor="integration-name">
            <TextInput
              id="integration-name"
              value={name}
              onChange={(event) => {
                setName(event.target.value);
                if (!slugEdited) setSlug(slugFrom(event.target.value));
              }}
              placeholder="Contoso Entra ID"
            />
          </Field>
          <Field label="Slug" htmlFor="integration-slug" hint="Agents name the integration by it. Lower-case letters, digits and dashes.">
            <TextInput
              id="integration-slug"
              value={slug}
              onChange={(event) => {
                setSlug(event.target.value);
                setSlugEdited(true);
              }}
              placeholder="contoso-entra"
              className="font-mono"
            />
          </Field>
        </div>
      </Card>

      <Card title="3. Connection">
        {kind === "mcp" ? (
          <div className="grid gap-4 sm:grid-cols-2">
            <div className="sm:col-span-2">
              <Field label="Server URL" htmlFor="mcp-url" hint="The Streamable HTTP endpoint, often ending in /mcp.">
                <TextInput
                  id="mcp-url"
                  type="url"
                  value={url}
                  onChange={(event) => setUrl(event.target.value)}
                  placeholder="https://mcp.example.com/mcp"
                />
              </Field>
            </div>
            <Field label="Auth header name" htmlFor="mcp-header-name">
              <TextInput id="mcp-header-name" value={headerName} onChange={(event) => setHeaderName(event.target.value)} />
            </Field>
            <Field label="Auth header value (optional)" htmlFor="mcp-header-value" hint="Stored encrypted; never shown again.">
              <TextInput
                id="mcp-header-value"
                type="password"
                autoComplete="off"
                value={headerValue}
                onChange={(event) => setHeaderValue(event.target.value)}
                placeholder="Bearer …"
              />
            </Field>
          </div>
        ) : kind === "slack" ? (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Bot token" htmlFor="slack-token" hint="xoxb-… from your Slack app's OAuth & Permissions page.">
              <TextInput
                id="slack-token"
                type="password"
                autoComplete="off"
                value={botToken}
                onChange={(event) => setBotToken(event.target.value)}
              />
            </Field>
            <Field label="Signing secret (optional)" htmlFor="slack-signing" hint="Enables Approve/Deny buttons in Slack DMs.">
              <TextInput
                id="slack-signing"
                type="password"
                autoComplete="off"
                value={signingSecret}
                onChange={(event) => setSigningSecret(event.target.value)}
              />
            </Field>
          </div>
        ) : kind === "jira" || kind === "connectwise" ? (
          <div className="grid gap-4 sm:grid-cols-2">
            <div className="sm:col-span-2">
              <Field
                label="Site URL"
                htmlFor="ticketing-site"
                hint={kind === "jira" ? "e.g. https://your-msp.atlassian.net" : "e.g. https://api-na.myconnectwise.net"}
              >
                <TextInput id="ticketing-site" type="url" value={ticketing.siteUrl} onChange={setTicketingField("siteUrl")} />
              </Field>
            </div>
            {kind === "jira" ? (
              <>
                <Field label="Account e-mail" htmlFor="jira-email">
                  <TextInput id="jira-email" type="email" value={ticketing.accountEmail} onChange={setTicketingField("accountEmail")} />
                </Field>
                <Field label="API token" htmlFor="jira-token" hint="Stored encrypted; never shown again.">
                  <TextInput
                    id="jira-token"
                    type="password"
                    autoComplete="off"
                    value={ticketing.apiToken}
                    onChange={setTicketingField("apiToken")}
                  />
                </Field>
              </>
            ) : (
              <>
                <Field label="Company id" htmlFor="cw-company">
                  <TextInput id="cw-company" value={ticketing.companyId} onChange={setTicketingField("companyId")} />
                </Field>
                <Field label="Client id" htmlFor="cw-client">
                  <TextInput id="cw-client" value={ticketing.clientId} onChange={setTicketingField("clientId")} />
                </Field>
                <Field label="Public key" htmlFor="cw-public">
                  <TextInput id="cw-public" value={ticketing.publicKey} onChange={setTicketingField("publicKey")} />
                </Field>
                <Field label="Private key" htmlFor="cw-private" hint="Stored encrypted; never shown again.">
                  <TextInput
                    id="cw-private"
                    type="password"
                    autoComplete="off"
                    value={ticketing.privateKey}
                    onChange={setTicketingField("privateKey")}
                  />
                </Field>
              </>
            )}
          </div>
        ) : (
          <Field
            label="Sample data"
            htmlFor="demo-dataset"
            hint="A fresh copy: changes made through it never touch another demo directory."
          >
            <SelectInput id="demo-dataset" value={dataset} onChange={(event) => setDataset(event.target.value)}>
              {datasets.map((option) => (
                <option key={option.id} value={option.id}>
                  {option.name}
                </option>
              ))}
            </SelectInput>
          </Field>
        )}
      </Card>

      {error ? <Notice tone="error">{error}</Notice> : null}
      {tested ? (
        <Notice tone="success">
          <p className="font-medium">Connection works: {tested.toolCount} tools found. Their default policies:</p>
          <ul className="mt-2 space-y-1">
            {tested.tools.slice(0, 12).map((tool) => (
              <li key={tool.name} className="flex flex-wrap items-center gap-2">
                <code>{tool.name}</code>
                <Badge tone={tool.policy === "auto" ? "green" : "blue"}>{POLICY_SHORT_LABELS[tool.policy]}</Badge>
                <span className="text-xs opacity-80">{tool.reason}</span>
                {tool.review ? (
                  <Badge tone="amber" title={tool.review}>
                    Review
                  </Badge>
                ) : null}
              </li>
            ))}
          </ul>
          {tested.toolCount > 12 ? <p className="mt-1 text-xs">…and {tested.toolCount - 12} more.</p> : null}
          <fieldset className="mt-3 space-y-1">
            <legend className="font-medium">How the tools start (remembered for the next integration)</legend>
            {(Object.keys(START_LABELS) as NewToolStart[]).map((choice) => (
              <label key={choice} className="flex min-h-8 items-center gap-2">
                <input
                  type="radio"
                  name="start"
                  value={choice}
                  checked={(start ?? tested.start) === choice}
                  onChange={() => setStart(choice)}
                  className="h-4 w-4"
                />
                {START_LABELS[choice]}
              </label>
            ))}
          </fieldset>
        </Notice>
      ) : null}
      <div className="flex flex-wrap gap-3">
        {kind !== "demo_directory" ? (
          <Button variant="secondary" onClick={onTest} disabled={busy}>
            {test.isPending ? "Testing…" : "Test connection"}
          </Button>
        ) : null}
        <Button onClick={onConnect} disabled={busy || !name || !slug}>
          {connect.isPending ? "Connecting…" : "Connect"}
        </Button>
      </div>
    </div>
  );
}
