import { expect, test } from "@playwright/test";
import { signInViaApi, trpcMutation, unique } from "../fixtures/api";

test("a CSV with a cycle, an unknown manager and a duplicate reports each row by number and imports nothing", async ({ page }) => {
  await signInViaApi(page.request);
  const client = await trpcMutation<{ id: string }>(page.request, "clients.create", { name: `Client ${unique()}` });
  await page.goto(`/directory?client=${client.id}`);
  const csv = [
    "email,name,manager_email",
    "boss@c.test,Boss,",
    "a@c.test,Ann,boss@c.test",
    "x@c.test,Ex,y@c.test",
    "y@c.test,Why,x@c.test",
    "b@c.test,Ben,ghost@c.test",
    "a@c.test,Ann Again,boss@c.test",
  ].join("\n");
  await page.getByLabel("CSV text").fill(csv);
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const report = page.getByTestId("import-report");
  await expect(report).toContainText("Nothing was imported: 4 row(s) need fixing.");
  await expect(report).toContainText("Line 4 (x@c.test): manager cycle");
  await expect(report).toContainText("Line 5 (y@c.test): manager cycle");
  await expect(report).toContainText("Line 6 (b@c.test): unknown manager ghost@c.test");
  await expect(report).toContainText("Line 7 (a@c.test): duplicate e-mail");
  await expect(page.getByText(/No people in .* directory yet/)).toBeVisible();

  await page.getByRole("button", { name: "Import the 2 good rows only" }).click();
  await expect(page.getByText("Imported: 2 added, 0 updated; 4 row(s) skipped.")).toBeVisible();
  await expect(page.getByRole("combobox", { name: "Manager of Ann" })).toHaveValue(/per_/);
});
