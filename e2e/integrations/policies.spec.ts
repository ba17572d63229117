import { expect, test, type Page } from "@playwright/test";
import { connectDemoDirectory, createTechnician, signInViaApi } from "../fixtures/api";

async function setPolicy(page: Page, tool: string, label: string) {
  await page
    .getByTestId(`tool-${tool}`)
    .getByRole("combobox", { name: /^Policy for / })
    .selectOption({ label });
}

test("an admin changes three tools, sees the unsaved count, saves, and the choices survive a reload", async ({ page }) => {
  await signInViaApi(page.request);
  const { integrationId } = await connectDemoDirectory(page.request);
  await page.goto(`/settings/integrations/${integrationId}`);
  await expect(page.getByText("Review the seeded defaults.")).toBeVisible();

  await setPolicy(page, "delete_user", "Disabled — hidden from the agent");
  await setPolicy(page, "add_user_to_group", "Needs technician approval");
  await page.getByRole("switch", { name: "Manager Approval for Add user to group" }).click();
  await setPolicy(page, "reset_password", "Runs automatically");
  await setPolicy(page, "reset_password", "Needs technician approval");
  await setPolicy(page, "reset_password", "Runs automatically");
  await expect(page.getByTestId("unsaved-count")).toHaveText("3 unsaved changes");

  // A tool moved away from approval loses its Manager Approval, and the page says so.
  await setPolicy(page, "add_user_to_group", "Runs automatically");
  await expect(page.getByTestId("tool-add_user_to_group").getByText("Manager Approval was switched off")).toBeVisible();
  await setPolicy(page, "add_user_to_group", "Needs technician approval");
  await page.getByRole("switch", { name: "Manager Approval for Add user to group" }).click();

  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Saved 3 changes")).toBeVisible();
  await expect(page.getByTestId("live-version")).toContainText("Live for agents since");
  await expect(page.getByTestId("unsaved-count")).toHaveCount(0);

  await page.reload();
  await expect(page.getByText("Review the seeded defaults.")).toHaveCount(0);
  await expect(page.getByTestId("tool-delete_user").getByRole("combobox", { name: /^Policy for / })).toHaveValue("disabled");
  await expect(page.getByTestId("tool-add_user_to_group").getByRole("combobox", { name: /^Policy for / })).toHaveValue("approval_needed");
  await expect(page.getByRole("switch", { name: "Manager Approval for Add user to group" })).toHaveAttribute("aria-checked", "true");
  await expect(page.getByTestId("tool-reset_password").getByRole("combobox", { name: /^Policy for / })).toHaveValue("auto");

  await page.getByRole("tab", { name: "History" }).click();
  await expect(page.getByText(/saved delete_user: Approval → Disabled/)).toBeVisible();
  await page.getByRole("listitem").filter({ hasText: "reset_password" }).getByRole("button", { name: "Restore default" }).click();
  await expect(page.getByText(/restored the default reset_password: Automatic → Approval/)).toBeVisible();
});

test("a stale save fails whole with a clear message when someone else saved first", async ({ browser }) => {
  const first = await browser.newContext();
  const second = await browser.newContext();
  await signInViaApi(first.request);
  await signInViaApi(second.request);
  const { integrationId } = await connectDemoDirectory(first.request);
  const pageA = await first.newPage();
  const pageB = await second.newPage();
  await pageA.goto(`/settings/integrations/${integrationId}`);
  await pageB.goto(`/settings/integrations/${integrationId}`);

  await setPolicy(pageB, "send_email", "Disabled — hidden from the agent");
  await pageB.getByRole("button", { name: "Save", exact: true }).click();
  await expect(pageB.getByText("Saved 1 change")).toBeVisible();

  await setPolicy(pageA, "get_user", "Disabled — hidden from the agent");
  await setPolicy(pageA, "list_users", "Needs technician approval");
  await pageA.getByRole("button", { name: "Save", exact: true }).click();
  await expect(pageA.getByRole("alert").filter({ hasText: "Nothing was saved" })).toContainText(
    /Avery Admin saved 1 change\(s\) since you loaded this page \(send_email → disabled\)/,
  );
  await expect(pageA.getByRole("button", { name: "Reload the current policies" })).toBeVisible();

  // Nothing of the stale save was applied.
  await pageA.reload();
  await expect(pageA.getByTestId("tool-get_user").getByRole("combobox", { name: /^Policy for / })).toHaveValue("auto");
  await expect(pageA.getByTestId("tool-list_users").getByRole("combobox", { name: /^Policy for / })).toHaveValue("auto");
  await expect(pageA.getByTestId("tool-send_email").getByRole("combobox", { name: /^Policy for / })).toHaveValue("disabled");
  await Promise.all([first.close(), second.close()]);
});

test("a technician sees the policies read-only and cannot save", async ({ browser }) => {
  const admin = await browser.newContext();
  await signInViaApi(admin.request);
  const { integrationId } = await connectDemoDirectory(admin.request);
  const tech = await browser.newContext();
  const page = await tech.newPage();
  const email = await createTechnician(admin.request, page);
  await signInViaApi(tech.request, email, "technician password 1");
  await page.goto(`/settings/integrations/${integrationId}`);
  await expect(page.getByText("only admins can change them")).toBeVisible();
  await expect(page.getByTestId("tool-delete_user").getByRole("combobox", { name: /^Policy for / })).toBeDisabled();
  const response = await tech.request.post("/api/trpc/policies.save", {
    data: { json: { integrationId, revision: 1, changes: [{ toolId: "tool_x", policy: "auto", managerApproval: false }] } },
  });
  expect(response.status()).toBe(403);
  await Promise.all([admin.close(), tech.close()]);
});
