import { expect, test, type APIRequestContext, type Page, type TestInfo } from "@playwright/test";
import { E2E_STUBS } from "../servers.mjs";
import { FIRST_ADMIN } from "../fixtures/accounts";
import { connectDemoDirectory, signInViaApi, trpcMutation, trpcQuery, unique } from "../fixtures/api";
import { approveLinkIn, setJiraIssues, setSlackUsers, slackCalls, waitFor } from "../fixtures/outside-services";

type Integration = { id: string; slug: string; kind: string };
type GatewayBody = { callId: string; status: string; grant?: { id: string; approvedBy: string; ranAs: string } };

/** Slack (technician DMs with links), a Jira that verifies requesters, a fresh demo directory whose reset_password needs a technician (it can run again and again), an agent. */
async function prepare(request: APIRequestContext) {
  await signInViaApi(request);
  const integrations = await trpcQuery<Integration[]>(request, "integrations.list");
  if (!integrations.some((integration) => integration.kind === "slack"))
    await trpcMutation(request, "integrations.connect", {
      clientId: null,
      name: "MSP Slack",
      slug: `slack-${unique()}`,
      settings: { kind: "slack", botToken: "xoxb-e2e" },
    });
  if (!integrations.some((integration) => integration.kind === "jira"))
    await trpcMutation(request, "integrations.connect", {
      clientId: null,
      name: "MSP Jira",
      slug: `jira-${unique()}`,
      settings: { kind: "jira", siteUrl: E2E_STUBS.jiraSiteUrl, accountEmail: "bot@northwind-it.test", apiToken: "jira-e2e" },
    });
  await setSlackUsers([{ id: "UAVERY", email: FIRST_ADMIN.email }]);
  const demo = await connectDemoDirectory(request);
  const tools = await trpcQuery<Array<{ id: string; name: string }>>(request, "policies.tools", { integrationId: demo.integrationId });
  const detail = await trpcQuery<{ revision: number }>(request, "integrations.get", { integrationId: demo.integrationId });
  await trpcMutation(request, "policies.save", {
    integrationId: demo.integrationId,
    revision: detail.revision,
    changes: [{ toolId: tools.find((tool) => tool.name === "reset_password")!.id, policy: "approval_needed", managerApproval: false }],
  });
  const agent = await trpcMutation<{ key: string }>(request, "agents.create", {
    name: `Grant agent ${unique()}`,
    scope: { allClients: true, clientIds: [], mspWide: true },
  });
  return { key: agent.key, slug: demo.slug };
}

async function shot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${name} has no horizontal scroll`).toBe(
    true,
  );
}

test("a grant given on the phone lets the identical next call run (200), not another requester's (202); revoking it asks again", async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(120_000);
  await signInViaApi(page.request);
  const { key, slug } = await prepare(request);
  const tom = "tom.becker@contoso-dental.test";
  const ticket = `HELP-${unique()}`;
  const otherTicket = `HELP-${unique()}`;
  await setJiraIssues({ [ticket]: tom, [otherTicket]: "ana.gomez@contoso-dental.test" });
  const callAsAgent = async (ticketKey: string) => {
    const response = await request.post("/api/gateway", {
      headers: { authorization: `Bearer ${key}` },
      data: { integration: slug, tool: "reset_password", arguments: { email: tom }, ticket: { system: "jira", id: ticketKey } },
    });
    return { status: response.status(), body: (await response.json()) as GatewayBody };
  };

  const pending = await callAsAgent(ticket);
  expect(pending.status).toBe(202);
  const link = await waitFor(
    async () => {
      const dm = (await slackCalls()).find(
        (call) =>
          call.method === "chat.postMessage" && call.params.channel === "DUAVERY" && call.params.blocks?.includes(pending.body.callId),
      );
      return dm ? approveLinkIn(dm.params.blocks!) : undefined;
    },
    20_000,
    slackCalls,
  );

  await page.goto(new URL(link).pathname);
  await expect(page.getByText("verified by the ticket")).toBeVisible();
  await expect(page.getByRole("button", { name: "Approve for 1 h" })).toBeVisible();
  await shot(page, testInfo, "deep-link-phone");
  await page.setViewportSize({ width: 1280, height: 800 });
  await shot(page, testInfo, "deep-link-desktop");
  await page.setViewportSize({ width: 375, height: 812 });
  await page.getByRole("button", { name: "Approve for 1 h" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Approved by Avery Admin");

  const again = await callAsAgent(ticket);
  expect(again.status).toBe(200);
  expect(again.body.grant).toMatchObject({
    approvedBy: "Avery Admin",
    ranAs: expect.stringMatching(/^auto by grant grt_\w+, approved by Avery Admin$/),
  });
  expect((await callAsAgent(otherTicket)).status).toBe(202);

  await page.goto("/grants");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Grants");
  const card = page.getByTestId(`grant-${again.body.grant!.id}`);
  await expect(card).toContainText("used 1 time");
  await expect(card).toContainText(`${tom} (verified by a ticket)`);
  await shot(page, testInfo, "grants-phone");
  await page.setViewportSize({ width: 1280, height: 800 });
  await shot(page, testInfo, "grants-desktop");
  await card.getByRole("button", { name: "Revoke" }).click();
  await expect(card).toHaveCount(0);
  const afterRevoke = await callAsAgent(ticket);
  expect(afterRevoke.status).toBe(202);

  // The inbox offers the same choice, with each argument unpinnable.
  await page.goto(`/approvals?call=${afterRevoke.body.callId}`);
  const request$ = page.locator("[data-testid^=approval-]").first();
  await request$.getByRole("button", { name: "Approve, and allow this again…" }).click();
  await request$.getByLabel("Pin email").uncheck();
  await expect(request$.getByTestId("grant-choice")).toContainText("any value");
  await shot(page, testInfo, "inbox-grant-desktop");
  await page.setViewportSize({ width: 375, height: 812 });
  await shot(page, testInfo, "inbox-grant-phone");
});
