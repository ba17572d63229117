import { expect, test } from "@playwright/test";
import { signInViaApi, unique } from "../fixtures/api";

test("connecting to an address that is down says so and stores nothing; a demo directory connects with every tool seeded", async ({
  page,
}) => {
  await signInViaApi(page.request);
  await page.goto("/settings/integrations/new");
  const slug = `down-${unique()}`;
  await page.getByLabel("Name", { exact: true }).fill("Broken server");
  await page.getByLabel("Slug").fill(slug);
  await page.getByLabel("Server URL").fill("http://127.0.0.1:9/mcp");
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /Could not connect|connection to|127\.0\.0\.1:9/ })).toBeVisible();
  await page.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: /127\.0\.0\.1:9/ })).toBeVisible();
  await page.goto("/settings/integrations");
  await expect(page.getByText(slug)).toHaveCount(0);

  await page.goto("/settings/integrations/new");
  await page.getByText("Demo directory", { exact: true }).click();
  const demoSlug = `demo-${unique()}`;
  await page.getByLabel("Name", { exact: true }).fill("Demo via UI");
  await page.getByLabel("Slug").fill(demoSlug);
  await page.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(page).toHaveURL(/\/settings\/integrations\/int_/);
  await expect(page.getByText("Review the seeded defaults.")).toBeVisible();
  await expect(page.getByText("19 of 19 tools")).toBeVisible();
  await expect(page.getByTestId("tool-mailbox_permissions_sync")).toContainText("unrecognised verb 'mailbox' — conservative default");
});
