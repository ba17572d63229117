// Outside services for the end-to-end tests, in their own process: a Slack Web API stub (speaking
// Slack's wire format), a Jira Cloud stub (/rest/api/3/…) and a real SMTP server (smtp-server). Tests read what they received over a
// small HTTP control API: GET /__slack/calls, POST /__slack/users, GET /__smtp/messages. Also a
// real OpenID Connect provider (oidc-provider) for single sign-on; POST /__oidc/accounts sets the
// claims an account signs in with.
import { startSlackStub } from "../../test/slack-stub";
import { serveFetch } from "../../test/http-server";
import { decodedBody, startSmtpCapture } from "../../test/smtp-capture";
import { startOidcProvider, type TestAccountClaims } from "../../test/oidc-provider";
import { E2E_SERVERS } from "../servers.mjs";

const base = Number(process.env.E2E_STUB_PORT_BASE ?? 3290);
const slack = await startSlackStub();
const smtp = await startSmtpCapture(base + 1);
// The e2e workspace is "Northwind IT" on every server: its SSO provider id is sso-northwind-it.
const oidc = await startOidcProvider({
  port: base + 2,
  redirectUris: E2E_SERVERS.flatMap((server) =>
    ["localhost", "127.0.0.1"].map((host) => `http://${host}:${server.port}/api/auth/callback/sso-northwind-it`),
  ),
});

/** The Jira Cloud stub's issues: key → reporter e-mail (POST /__jira/issues sets them). */
const jiraReporters = new Map<string, string>();

/** Jira Cloud REST v3 as far as Toolgate reads it: /myself, an issue's reporter, a comment. */
async function jiraStub(request: Request, path: string): Promise<Response> {
  if (path === "/rest/api/3/myself") return Response.json({ accountId: "toolgate-e2e" });
  const comment = path.match(/^\/rest\/api\/3\/issue\/([^/]+)\/comment$/);
  if (comment && request.method === "POST") return Response.json({ id: String(Date.now()) }, { status: 201 });
  const issue = path.match(/^\/rest\/api\/3\/issue\/([^/]+)$/);
  const reporter = issue ? jiraReporters.get(decodeURIComponent(issue[1]!)) : undefined;
  if (issue && reporter) return Response.json({ key: issue[1], fields: { reporter: { emailAddress: reporter } } });
  return Response.json({ errorMessages: ["Issue does not exist or you do not have permission to see it."] }, { status: 404 });
}

await serveFetch(async (request) => {
  const url = new URL(request.url);
  if (url.pathname.startsWith("/rest/api/3/")) return jiraStub(request, url.pathname);
  if (url.pathname === "/__jira/issues" && request.method === "POST") {
    for (const [key, reporter] of Object.entries((await request.json()) as Record<string, string>)) jiraReporters.set(key, reporter);
    return Response.json({ ok: true });
  }
  if (url.pathname.startsWith("/api/")) {
    // Forward Slack API calls to the stub (so the app has one fixed Slack URL).
    const target = `${slack.apiUrl}${url.pathname.slice("/api/".length)}`;
    return fetch(target, { method: request.method, headers: request.headers, body: await request.arrayBuffer() });
  }
  if (url.pathname === "/__slack/calls") return Response.json(slack.calls);
  if (url.pathname === "/__slack/users" && request.method === "POST") {
    const users = (await request.json()) as Array<{ id: string; email: string }>;
    slack.setUsers(users);
    return Response.json({ ok: true });
  }
  if (url.pathname === "/__oidc/accounts" && request.method === "POST") {
    const { login, claims } = (await request.json()) as { login: string; claims: TestAccountClaims };
    oidc.setAccount(login, claims);
    return Response.json({ ok: true, issuer: oidc.issuer, clientId: oidc.clientId, clientSecret: oidc.clientSecret });
  }
  if (url.pathname === "/__smtp/messages")
    return Response.json(smtp.messages.map((message) => ({ ...message, text: decodedBody(message.raw) })));
  return new Response("not found", { status: 404 });
}, base);

process.stdout.write(`${JSON.stringify({ ready: true, slackApiUrl: `http://127.0.0.1:${base}/api/`, smtpPort: base + 1 })}\n`);
