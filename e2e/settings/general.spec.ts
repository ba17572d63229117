import { expect, test } from "@playwright/test";
import { E2E_STUBS } from "../servers.mjs";
import { FIRST_ADMIN } from "../fixtures/accounts";
import { signInViaApi } from "../fixtures/api";
import { mails, waitFor } from "../fixtures/outside-services";

test("General settings: each approval channel's state with a link to set it up, SMTP errors next to their fields, and a test e-mail", async ({
  page,
}) => {
  await signInViaApi(page.request);
  await page.goto("/settings/general");
  // The app has an icon in the browser tab.
  await expect(page.locator('link[rel="icon"]')).toHaveAttribute("href", /icon/);
  expect((await page.request.get((await page.locator('link[rel="icon"]').getAttribute("href"))!)).status()).toBe(200);

  const channels = page.getByRole("list", { name: "Approval channels" });
  for (const [testId, label] of [
    ["channel-slack", "Slack app"],
    ["channel-smtp", "E-mail (SMTP)"],
    ["channel-jira", "Jira"],
    ["channel-connectwise", "ConnectWise"],
  ] as const) {
    const row = channels.getByTestId(testId);
    await expect(row).toContainText(label);
    await expect(row.getByText(/^(Ready|Not set up)$/)).toBeVisible();
    await expect(row.getByRole("link", { name: new RegExp(`(Set up|Manage) ${label.replace(/[()]/g, "\\$&")}`) })).toBeVisible();
  }
  await expect(channels.getByTestId("channel-slack").getByRole("link")).toHaveAttribute("href", "/settings/integrations/new?kind=slack");

  // A sender and a port without a host: the host is pointed out, nothing else is thrown away.
  await page.getByLabel("Host", { exact: true }).fill("");
  await page.getByLabel("Port", { exact: true }).fill("2525");
  await page.getByLabel("From address").fill("Toolgate <approvals@northwind-it.test>");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.locator("#smtpHost-error")).toHaveText("Enter the SMTP host");
  await expect(page.getByText(/smtp\.host:/)).toHaveCount(0);
  await expect(page.getByText("Nothing was saved: fix the fields marked above.")).toBeVisible();
  await expect(page.getByLabel("Port", { exact: true })).toHaveValue("2525");
  await expect(page.getByLabel("From address")).toHaveValue("Toolgate <approvals@northwind-it.test>");

  await page.getByLabel("Host", { exact: true }).fill("127.0.0.1");
  await page.getByLabel("Port", { exact: true }).fill(String(E2E_STUBS.smtpPort));
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await expect(channels.getByTestId("channel-smtp")).toContainText("Ready");
  await expect(page.locator("#smtpHost-error")).toHaveCount(0);

  const before = (await mails()).length;
  await page.getByRole("button", { name: "Send test e-mail" }).click();
  await expect(page.getByText(`Test e-mail sent to ${FIRST_ADMIN.email}. Check that inbox.`)).toBeVisible();
  const sent = await waitFor(async () => (await mails()).slice(before).find((mail) => mail.to.includes(FIRST_ADMIN.email)));
  expect(sent.text).toContain("This is a test e-mail from Toolgate");
});
