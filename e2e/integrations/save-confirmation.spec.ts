import { expect, test } from "@playwright/test";
import { connectDemoDirectory, signInViaApi } from "../fixtures/api";

test("after Save, “Saved 1 change” stays at the bottom where the Save bar was, until the next edit", async ({ page }) => {
  await signInViaApi(page.request);
  const { integrationId } = await connectDemoDirectory(page.request);
  await page.goto(`/settings/integrations/${integrationId}`);
  const flagged = page.getByRole("checkbox", { name: /Flagged/ });
  // The filter says what "flagged" means (item 15).
  await expect(flagged).toHaveAccessibleName("Flagged (changed upstream, needs review)");

  await page
    .getByTestId("tool-delete_user")
    .getByRole("combobox", { name: /^Policy for / })
    .selectOption({ label: "Disabled — hidden from the agent" });
  await page.getByRole("button", { name: "Save", exact: true }).click();
  // The page re-rendered with the saved revision (the editor is new) and the confirmation is still there.
  await expect(page.getByTestId("live-version")).toContainText("Live for agents since");
  const confirmation = page.getByRole("status").filter({ hasText: "Saved 1 change" });
  await expect(confirmation).toBeVisible();
  const box = (await confirmation.boundingBox())!;
  const viewport = page.viewportSize()!;
  expect(box.y + box.height, "the confirmation sits at the bottom of the screen").toBeGreaterThan(viewport.height - 4);

  // The next edit replaces it with the unsaved-changes bar.
  await page
    .getByTestId("tool-send_email")
    .getByRole("combobox", { name: /^Policy for / })
    .selectOption({ label: "Disabled — hidden from the agent" });
  await expect(page.getByTestId("unsaved-count")).toHaveText("1 unsaved change");
  await expect(page.getByText("Saved 1 change")).toHaveCount(0);
});
