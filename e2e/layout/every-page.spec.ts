import { expect, test, type APIRequestContext } from "@playwright/test";
import { E2E_STUBS } from "../servers.mjs";
import { FIRST_ADMIN } from "../fixtures/accounts";
import { connectDemoDirectory, signInViaApi, trpcMutation, trpcQuery, unique } from "../fixtures/api";
import { checkPageLayout, useLayoutViewport } from "../fixtures/layout";
import { approveLinkIn, setSlackUsers, slackCalls, waitFor } from "../fixtures/outside-services";

type Integration = { id: string; slug: string; kind: string };

/**
 * Demo data for every page: a client with a directory (long names and addresses on purpose), a
 * second user, Slack and SMTP, an agent, and calls that ran, were refused, wait, were approved and
 * were denied.
 */
async function seedDemoData(request: APIRequestContext) {
  const suffix = unique();
  const client = await trpcMutation<{ id: string }>(request, "clients.create", { name: `Contoso Dental Partners ${suffix}` });
  await trpcMutation(request, "directory.importCsv", {
    clientId: client.id,
    importValidRows: false,
    csv: [
      "email,name,manager_email,slack_user_id",
      `margaret.lindqvist-okonkwo@contoso-dental-partners.test,Margaret Lindqvist-Okonkwo,,U0MARGARET`,
      `tom.becker@contoso-dental-partners.test,Tom Becker,margaret.lindqvist-okonkwo@contoso-dental-partners.test,`,
      `alexandra.papadopoulou@contoso-dental-partners.test,Alexandra Papadopoulou,margaret.lindqvist-okonkwo@contoso-dental-partners.test,`,
    ].join("\n"),
  });
  const invited = await trpcMutation<{ setupLink: string }>(request, "users.invite", {
    email: `bartholomew.featherstonehaugh-${suffix}@northwind-it.test`,
    name: "Bartholomew Featherstonehaugh",
    role: "technician",
  });
  const integrations = await trpcQuery<Integration[]>(request, "integrations.list");
  if (!integrations.some((integration) => integration.kind === "slack")) {
    await trpcMutation(request, "integrations.connect", {
      clientId: null,
      name: "MSP Slack",
      slug: `slack-${unique()}`,
      settings: { kind: "slack", botToken: "xoxb-e2e" },
    });
  }
  await trpcMutation(request, "settings.update", {
    smtp: { host: "127.0.0.1", port: E2E_STUBS.smtpPort, secure: false, username: null, from: "Toolgate <approvals@northwind-it.test>" },
  });
  await setSlackUsers([{ id: "UAVERY", email: FIRST_ADMIN.email }]);
  const demo = await connectDemoDirectory(request);
  const agent = await trpcMutation<{ key: string }>(request, "agents.create", {
    name: `Helpdesk agent ${suffix}`,
    scope: { allClients: true, clientIds: [], mspWide: true },
    webhookUrl: null,
  });
  const call = async (tool: string, args: Record<string, unknown>) => {
    const response = await request.post("/api/gateway", {
      headers: { authorization: `Bearer ${agent.key}` },
      data: { integration: demo.slug, tool, arguments: args, reason: "Ticket 4711: the user is locked out after the holidays" },
    });
    return (await response.json()) as { callId: string; status: string };
  };
  await call("list_users", {});
  await call("no_such_tool", {});
  const approved = await call("reset_password", { email: "tom.becker@contoso-dental.test" });
  const denied = await call("reset_password", { email: "ann.smith@contoso-dental.test" });
  const waiting = await call("reset_password", { email: "joe.bloggs@contoso-dental.test" });
  const decide = async (callId: string, decision: "approve" | "deny") => {
    const { items } = await trpcQuery<{ items: Array<{ id: string; kind: string }> }>(request, "approvals.inbox", { callId });
    await trpcMutation(request, "approvals.decide", {
      approvalRequestId: items.find((item) => item.kind === "technician")!.id,
      decision,
      comment: decision === "deny" ? "Not before the user calls the helpdesk" : undefined,
    });
  };
  await decide(approved.callId, "approve");
  await decide(denied.callId, "deny");
  // The waiting call's technician request reaches Slack with its deep link.
  const approveLink = await waitFor(async () => {
    const dm = (await slackCalls()).find(
      (sent) => sent.method === "chat.postMessage" && sent.params.blocks?.includes(waiting.callId) && approveLinkIn(sent.params.blocks),
    );
    return dm ? approveLinkIn(dm.params.blocks!) : undefined;
  });
  const { revision } = await trpcQuery<{ revision: number }>(request, "integrations.get", { integrationId: demo.integrationId });
  const { baselineId } = await trpcMutation<{ baselineId: string }>(request, "baselines.createFromIntegration", {
    integrationId: demo.integrationId,
    revision,
    name: `Standard directory for every client ${suffix}`,
  });
  return {
    clientId: client.id,
    integrationId: demo.integrationId,
    baselineId,
    callId: approved.callId,
    approveLink,
    setupLink: invited.setupLink,
  };
}

test("every page fits the screen on a phone (375 × 812) and a laptop (1280 × 800), with a screenshot of each in the report", async ({
  page,
}, testInfo) => {
  test.setTimeout(240_000);
  await signInViaApi(page.request);
  const seeded = await seedDemoData(page.request);
  await useLayoutViewport(page, testInfo);

  const signedIn: Array<[string, string, string | RegExp]> = [
    ["overview", "/overview", "Overview"],
    ["approvals", "/approvals", "Approvals"],
    ["grants", "/grants", "Grants"],
    ["activity", "/activity", "Activity"],
    ["call-page", `/activity/${seeded.callId}`, /reset_password/],
    ["agents", "/agents", "Agents"],
    ["clients", "/clients", "Clients"],
    ["directory", `/directory?client=${seeded.clientId}`, "Directory"],
    ["settings-general", "/settings/general", "General settings"],
    ["settings-integrations", "/settings/integrations", "Integrations"],
    ["settings-connect-integration", "/settings/integrations/new", /Connect/],
    ["settings-integration-detail", `/settings/integrations/${seeded.integrationId}`, /Demo demo-/],
    ["settings-baselines", "/settings/baselines", "Baselines"],
    ["settings-baseline-detail", `/settings/baselines/${seeded.baselineId}`, /Standard directory/],
    ["settings-sso", "/settings/sso", /single sign-on/i],
    ["settings-users", "/settings/users", "Users"],
  ];
  for (const [name, path, heading] of signedIn) {
    await test.step(`${name} (${path})`, async () => {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 }).first()).toContainText(heading);
      await checkPageLayout(page, testInfo, name);
    });
  }

  await test.step("approver deep-link page", async () => {
    await page.goto(new URL(seeded.approveLink).pathname);
    await expect(page.getByRole("button", { name: /Approve/ }).first()).toBeVisible();
    await checkPageLayout(page, testInfo, "approver-deep-link");
  });

  await page.context().clearCookies();
  await test.step("login", async () => {
    await page.goto("/login");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    await checkPageLayout(page, testInfo, "login");
  });
  await test.step("forgot password", async () => {
    await page.goto("/forgot-password");
    await expect(page.getByRole("button", { name: "E-mail me a link" })).toBeVisible();
    await checkPageLayout(page, testInfo, "forgot-password");
  });
  await test.step("set password (invitation link)", async () => {
    await page.goto(new URL(seeded.setupLink).pathname);
    await expect(page.getByLabel("New password")).toBeVisible();
    await checkPageLayout(page, testInfo, "set-password");
  });
});
