import { expect, test } from "@playwright/test";
import { FIRST_ADMIN } from "../fixtures/accounts";
import { connectDemoDirectory, createTechnician, signInViaApi, trpcMutation, trpcQuery, unique } from "../fixtures/api";
import { setSlackUsers, slackCalls, waitFor } from "../fixtures/outside-services";
import { screenshotsAtBothSizes } from "../fixtures/layout";

const CHANNEL = "#helpdesk-escalations";

// On the desktop e2e server one escalation minute lasts a second (TOOLGATE_ESCALATION_MINUTE_SECONDS).
test("a request nobody answers escalates to the Slack channel (inbox link, no token) and to the escalation group's inbox", async ({
  page,
  browser,
}, testInfo) => {
  // The technician sets their password in a page nobody is signed in to; the admin invites from another context.
  const admin = await browser.newContext();
  await signInViaApi(admin.request);
  const techEmail = await createTechnician(admin.request, page);
  await admin.close();
  await signInViaApi(page.request);
  const people = await trpcQuery<Array<{ id: string; email: string }>>(page.request, "users.list");
  const tech = people.find((person) => person.email === techEmail)!;
  const integrations = await trpcQuery<Array<{ kind: string }>>(page.request, "integrations.list");
  if (!integrations.some((integration) => integration.kind === "slack"))
    await trpcMutation(page.request, "integrations.connect", {
      clientId: null,
      name: "MSP Slack",
      slug: `slack-${unique()}`,
      settings: { kind: "slack", botToken: "xoxb-e2e" },
    });
  const { integrationId, slug } = await connectDemoDirectory(page.request);
  const tools = await trpcQuery<Array<{ id: string; name: string }>>(page.request, "policies.tools", { integrationId });
  const { revision } = await trpcQuery<{ revision: number }>(page.request, "integrations.get", { integrationId });
  await trpcMutation(page.request, "policies.save", {
    integrationId,
    revision,
    changes: [{ toolId: tools.find((tool) => tool.name === "reset_password")!.id, policy: "approval_needed", managerApproval: false }],
  });
  const { key } = await trpcMutation<{ key: string }>(page.request, "agents.create", {
    name: `Escalation agent ${unique()}`,
    scope: { allClients: true, clientIds: [], mspWide: true },
  });

  try {
    // The workspace: 15 minutes, the technician as the group, a channel. A bad channel is pointed out first.
    await page.goto("/settings/general");
    const form = page.getByRole("form", { name: "Escalation" });
    await form.getByLabel("Escalate after (minutes)").fill("15");
    await form.locator(`input[name="escalationGroup"][value="${tech.id}"]`).check();
    await form.getByLabel("Slack channel").fill("general chat");
    await form.getByRole("button", { name: "Save escalation" }).click();
    await expect(form.locator("#escalationChannel-error")).toHaveText(/Enter a Slack channel id/);
    await form.getByLabel("Slack channel").fill(CHANNEL);
    await form.getByRole("button", { name: "Save escalation" }).click();
    await expect(form.getByText("Escalation saved.")).toBeVisible();
    await screenshotsAtBothSizes(page, testInfo, "escalation-settings");

    // The tool overrides it: reset_password's requests escalate after 3 minutes (here: seconds).
    await page.goto(`/settings/integrations/${integrationId}`);
    const row = page.getByTestId("tool-reset_password");
    await row.getByRole("button", { name: "Details and input schema" }).click();
    await row.getByLabel("Escalate unanswered requests after (minutes)").fill("3");
    await row.getByRole("button", { name: "Save minutes" }).click();
    await expect(row.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

    // The stub's Slack users (set just before the request, whose DMs look the technician up by e-mail).
    await setSlackUsers([
      { id: "UAVERY", email: FIRST_ADMIN.email },
      { id: "UTERRY", email: techEmail },
    ]);
    const reason = `escalate ${unique()}`;
    const response = await page.request.post("/api/gateway", {
      headers: { authorization: `Bearer ${key}` },
      data: { integration: slug, tool: "reset_password", arguments: { email: "ana.gomez@contoso-dental.test" }, reason },
    });
    expect(response.status()).toBe(202);
    const { callId } = (await response.json()) as { callId: string };

    // The channel hears of it, with a link to the signed-in inbox and no deep-link token.
    const channelPost = await waitFor(
      async () =>
        (await slackCalls()).find(
          (call) => call.method === "chat.postMessage" && call.params.channel === CHANNEL && call.params.blocks?.includes(callId),
        ),
      30_000,
    );
    expect(channelPost.params.blocks).toContain(`/approvals?call=${callId}`);
    expect(channelPost.params.blocks).not.toContain("/approve/");
    expect(channelPost.params.blocks).toContain("Escalated");
    // So does the group's technician, by their own Slack DM, with the same inbox link.
    const dm = await waitFor(async () =>
      (await slackCalls()).find(
        (call) =>
          call.method === "chat.postMessage" &&
          call.params.channel === "DUTERRY" &&
          call.params.blocks?.includes(callId) &&
          call.params.blocks.includes("Escalated"),
      ),
    );
    expect(dm.params.blocks).not.toContain("/approve/");
    const status = await (await page.request.get(`/api/gateway/calls/${callId}`, { headers: { authorization: `Bearer ${key}` } })).json();
    expect(status.approvals).toEqual([expect.objectContaining({ kind: "technician", status: "pending", escalated: true })]);

    // The group's technician opens their inbox: the request is marked escalated.
    const context = await browser.newContext();
    await signInViaApi(context.request, techEmail, "technician password 1");
    const techPage = await context.newPage();
    await techPage.goto(`/approvals?call=${callId}`);
    const card = techPage.locator('[data-testid^="approval-"]').filter({ hasText: reason });
    await expect(card.getByText("Escalated", { exact: true })).toBeVisible();
    await screenshotsAtBothSizes(techPage, testInfo, "inbox-escalated");
    await context.close();

    // The call's timeline says when and to whom.
    await page.goto(`/activity/${callId}`);
    await expect(page.locator('[data-action="approval.escalated"]')).toContainText(`told Slack ${CHANNEL}, Terry Technician`);
    await expect(page.getByTestId("call-approvals").getByText("Escalated", { exact: true })).toBeVisible();
    await screenshotsAtBothSizes(page, testInfo, "call-escalated");
  } finally {
    // Other tests' requests on this server must not escalate.
    await trpcMutation(page.request, "escalation.save", { minutes: 15, userIds: [], slackChannel: null, secondMinutes: null });
  }
});
