import { expect, test } from "@playwright/test";
import { FIRST_ADMIN } from "./fixtures/accounts";
import { openMenuIfCollapsed } from "./fixtures/api";
import { checkPageLayout, useLayoutViewport } from "./fixtures/layout";

test("a fresh installation leads to set-up; the first admin signs out and in again; a wrong password is refused", async ({
  page,
}, testInfo) => {
  await useLayoutViewport(page, testInfo);
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await checkPageLayout(page, testInfo, "setup");
  await page.goto("/settings/users");
  await expect(page).toHaveURL(/\/setup$/);

  await page.getByLabel("MSP name").fill(FIRST_ADMIN.workspaceName);
  await page.getByLabel("Your name").fill(FIRST_ADMIN.name);
  await page.getByLabel("E-mail").fill(FIRST_ADMIN.email);
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByLabel("Confirm password").fill("short");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByText("Use at least 10 characters")).toBeVisible();

  await page.getByLabel("Password", { exact: true }).fill(FIRST_ADMIN.password);
  await page.getByLabel("Confirm password").fill(FIRST_ADMIN.password);
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page).toHaveURL(/\/settings\/integrations$/);
  await expect(page.getByRole("heading", { name: "Integrations", level: 1 })).toBeVisible();

  // Set-up happens once: afterwards /setup leads to sign-in.
  await openMenuIfCollapsed(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/login/);

  await page.getByLabel("E-mail").fill(FIRST_ADMIN.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "do not match" })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);

  await page.getByLabel("Password").fill(FIRST_ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // Signed in, people land on the Overview.
  await expect(page).toHaveURL(/\/overview$/);
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
});
