import { expect, test, type APIRequestContext } from "@playwright/test";
import { E2E_STUBS } from "../servers.mjs";
import { FIRST_ADMIN } from "../fixtures/accounts";
import {
  connectDemoDirectory,
  createTechnician,
  openMenuIfCollapsed,
  signInViaApi,
  trpcMutation,
  trpcQuery,
  unique,
} from "../fixtures/api";
import { approveLinkIn, mails, waitFor } from "../fixtures/outside-services";
import { PHONE, screenshotsAtBothSizes } from "../fixtures/layout";

/** One retry when the server closed an idle keep-alive connection just as it was reused (read ECONNRESET). */
async function mutate<T = unknown>(request: APIRequestContext, path: string, input: unknown): Promise<T> {
  try {
    return await trpcMutation<T>(request, path, input);
  } catch (error) {
    if (!String(error).includes("ECONNRESET")) throw error;
    return trpcMutation<T>(request, path, input);
  }
}

/** A demo directory whose `reset_password` needs a technician's approval, and an agent that may call it. */
async function prepare(request: APIRequestContext) {
  const { integrationId, slug } = await connectDemoDirectory(request);
  const tools = await trpcQuery<Array<{ id: string; name: string }>>(request, "policies.tools", { integrationId });
  const detail = await trpcQuery<{ revision: number }>(request, "integrations.get", { integrationId });
  await trpcMutation(request, "policies.save", {
    integrationId,
    revision: detail.revision,
    changes: [{ toolId: tools.find((tool) => tool.name === "reset_password")!.id, policy: "approval_needed", managerApproval: false }],
  });
  const agent = await trpcMutation<{ key: string }>(request, "agents.create", {
    name: `Reach agent ${unique()}`,
    scope: { allClients: true, clientIds: [], mspWide: true },
  });
  return { integrationId, slug, key: agent.key };
}

async function resetPassword(request: APIRequestContext, key: string, slug: string, email: string, reason = `reach ${unique()}`) {
  const response = await request.post("/api/gateway", {
    headers: { authorization: `Bearer ${key}` },
    data: { integration: slug, tool: "reset_password", arguments: { email }, reason },
  });
  expect(response.status()).toBe(202);
  return (await response.json()) as { callId: string; approvals: Array<{ kind: string; channels: string[] }> };
}

test("a request that reaches nobody is said loudly; the inbox updates itself with a count; set up e-mail and it reaches technicians", async ({
  page,
}, testInfo) => {
  await signInViaApi(page.request);
  await mutate(page.request, "settings.update", { smtp: null });
  const { integrationId, slug, key } = await prepare(page.request);

  // The explanation promises no channel that is not set up.
  await page.goto(`/settings/integrations/${integrationId}`);
  await page.getByTestId("tool-reset_password").getByRole("button", { name: "What happens if the agent calls this?" }).click();
  const explain = page.getByTestId("tool-reset_password").getByTestId("explain");
  await expect(explain).toContainText("Nobody is told of the request");
  await expect(explain).not.toContainText("Slack DM");
  await screenshotsAtBothSizes(page, testInfo, "explain-unreached");

  await page.goto("/settings/integrations");
  await expect(page.getByTestId("unreached-banner")).toBeVisible();

  // Live inbox: the page is open, an agent asks, the request appears without a reload.
  await page.goto("/approvals");
  await expect(page.getByTestId("unreached-banner")).toBeVisible();
  const badge = page.getByTestId("nav-badge-approvals").first();
  const before = (await badge.count()) ? Number((await badge.textContent())!.replace(/\D/g, "")) : 0;
  const reason = `reach ${unique()}`;
  const pending = await resetPassword(page.request, key, slug, "ana.gomez@contoso-dental.test", reason);
  expect(pending.approvals).toEqual([{ kind: "technician", status: "pending", channels: ["inbox"] }]);
  const card = page
    .locator("li")
    .filter({ hasText: reason })
    .filter({ has: page.getByTestId("reach") });
  await expect(card).toBeVisible({ timeout: 30_000 });
  await expect(card.getByText("Only this inbox shows it: nobody was notified.")).toBeVisible();
  await expect(page.getByTestId("nav-badge-approvals").first()).toHaveText(new RegExp(`^${before + 1}`), { timeout: 30_000 });
  await screenshotsAtBothSizes(page, testInfo, "approvals-unreached");

  // Deciding it: the decided row says who, when, for whom, and the request's own state.
  await card.getByRole("button", { name: "Deny" }).click();
  const decided = page.locator('[data-testid^="decided-"]').first();
  await expect(decided).toContainText("denied by Avery Admin", { timeout: 30_000 });
  await expect(decided).toContainText("call: Denied");
  await expect(decided).toContainText("asked by Reach agent");

  // The call carries the warning on its timeline.
  await page.goto(`/activity/${pending.callId}`);
  await expect(page.locator('[data-action="approval.unreached"]')).toContainText("Nobody is told of this request");
  await expect(page.getByTestId("call-approvals")).toContainText("Reaches: Approvals inbox");
  await screenshotsAtBothSizes(page, testInfo, "call-unreached");

  // E-mail set up: the warning goes, and technicians are e-mailed a deep link.
  await mutate(page.request, "settings.update", {
    smtp: { host: "127.0.0.1", port: E2E_STUBS.smtpPort, secure: false, username: null, from: "Toolgate <approvals@northwind-it.test>" },
  });
  await page.goto("/approvals");
  await expect(page.getByRole("heading", { name: "Approvals", level: 1 })).toBeVisible();
  await expect(page.getByTestId("unreached-banner")).toHaveCount(0);
  const reached = await resetPassword(page.request, key, slug, "tom.becker@contoso-dental.test");
  expect(reached.approvals[0]?.channels).toEqual(["inbox", "email"]);
  const link = await waitFor(async () => {
    const mail = (await mails()).find((message) => message.to.includes(FIRST_ADMIN.email) && message.text.includes(reached.callId));
    return mail ? approveLinkIn(mail.text) : undefined;
  });

  // The approver's page on a phone: the tool in plain words; Deny asks before it decides.
  await page.setViewportSize(PHONE);
  await page.goto(new URL(link).pathname);
  await expect(page.getByTestId("tool-description")).toContainText("Reset a user's password");
  await page.getByText("Deny…").click();
  await expect(page.getByRole("button", { name: "Yes, deny it" })).toBeVisible();
  await screenshotsAtBothSizes(page, testInfo, "approve-page");
});

test("a technician lands on Approvals after signing in and chooses how requests reach them", async ({ page, browser }) => {
  const admin = await browser.newContext();
  await signInViaApi(admin.request);
  const email = await createTechnician(admin.request, page);
  await admin.close();
  const technician = await browser.newContext();
  const tech = await technician.newPage();
  await tech.goto("/login");
  await tech.getByLabel("E-mail").fill(email);
  await tech.getByLabel("Password").fill("technician password 1");
  await tech.getByRole("button", { name: "Sign in" }).click();
  await expect(tech).toHaveURL(/\/approvals$/);

  await openMenuIfCollapsed(tech);
  const choice = tech.getByLabel("Notify me of approval requests by").first();
  await choice.selectOption({ label: "Slack and e-mail" });
  await expect(tech.getByRole("status").filter({ hasText: "Saved" }).first()).toBeVisible();
  await tech.reload();
  await expect(tech.getByLabel("Notify me of approval requests by").first()).toHaveValue("both");
  await technician.close();
});
