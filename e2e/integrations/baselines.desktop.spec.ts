import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { signInViaApi, trpcMutation, unique } from "../fixtures/api";
import { DESKTOP, PHONE } from "../fixtures/layout";

/** A client with its own demo directory (the same kind of integration at every client). */
async function clientWithDirectory(request: APIRequestContext, name: string) {
  const client = await trpcMutation<{ id: string }>(request, "clients.create", { name });
  const slug = `dir-${unique()}`;
  const { integrationId } = await trpcMutation<{ integrationId: string }>(request, "integrations.connect", {
    clientId: client.id,
    name: `${name} directory`,
    slug,
    settings: { kind: "demo_directory", dataset: "contoso-dental" },
  });
  return integrationId;
}

const row = (page: Page, tool: string) => page.getByTestId(`tool-${tool}`);

test("a baseline followed by two clients' integrations: one change updates both, an override survives, reset restores it", async ({
  page,
}, testInfo) => {
  // Two clients, three pages at two sizes in full-page pictures: near a minute on a busy 2-core machine.
  test.slow();
  await signInViaApi(page.request);
  const suffix = unique();
  const contoso = await clientWithDirectory(page.request, `Contoso ${suffix}`);
  const fabrikam = await clientWithDirectory(page.request, `Fabrikam ${suffix}`);
  const baselineName = `Standard directory ${suffix}`;

  // Contoso's reviewed policies become the baseline; Contoso follows it.
  await page.goto(`/settings/integrations/${contoso}`);
  await page.getByText("Baseline: follows none").click();
  await page.getByLabel("New baseline name").fill(baselineName);
  await page.getByRole("button", { name: "Create a baseline from these policies" }).click();
  await expect(page.getByRole("region", { name: "Baseline" })).toContainText(`Follows the baseline ${baselineName}`);
  await expect(row(page, "delete_user").getByText("From baseline")).toBeVisible();

  // Fabrikam follows it too.
  await page.goto(`/settings/integrations/${fabrikam}`);
  await page.getByLabel("Baseline to follow").selectOption({ label: baselineName });
  await page.getByRole("button", { name: "Follow baseline" }).click();
  await expect(page.getByRole("region", { name: "Baseline" })).toContainText(`Follows the baseline ${baselineName}`);

  // An override at Fabrikam.
  await row(page, "delete_user")
    .getByRole("combobox", { name: /^Policy for / })
    .selectOption({ label: "Disabled — hidden from the agent" });
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(row(page, "delete_user").getByText("Overridden here")).toBeVisible();
  await expect(row(page, "send_email").getByText("From baseline")).toBeVisible();

  // One change to the baseline, with a dialog that says whom it reaches.
  await page.goto("/settings/baselines");
  await page.getByRole("link", { name: new RegExp(baselineName) }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(baselineName);
  const baselinePath = new URL(page.url()).pathname;
  await expect(page.getByRole("list", { name: "Followers" })).toContainText(`Fabrikam ${suffix} directory`);
  await page.getByLabel("Policy for delete_user").selectOption({ label: "Runs automatically" });
  await page.getByLabel("Policy for send_email").selectOption({ label: "Disabled — hidden from the agent" });
  await page.getByRole("button", { name: "Save…" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByTestId("baseline-reach")).toHaveText(
    "This changes 2 integrations at 2 clients at once. Tools overridden at a client keep their own policy.",
  );
  await dialog.getByRole("button", { name: "Save to 2 integrations at 2 clients" }).click();
  await expect(page.getByText(/Saved\. 3 tool policies changed across 2 integrations at 2 clients/)).toBeVisible();

  // Both followers changed; Fabrikam's override survived.
  await page.goto(`/settings/integrations/${contoso}`);
  await expect(row(page, "delete_user").getByRole("combobox", { name: /^Policy for / })).toHaveValue("auto");
  await expect(row(page, "send_email").getByRole("combobox", { name: /^Policy for / })).toHaveValue("disabled");
  await page.goto(`/settings/integrations/${fabrikam}`);
  await expect(row(page, "send_email").getByRole("combobox", { name: /^Policy for / })).toHaveValue("disabled");
  await expect(row(page, "delete_user").getByRole("combobox", { name: /^Policy for / })).toHaveValue("disabled");
  await expect(row(page, "delete_user").getByText("Overridden here")).toBeVisible();

  // Reset to baseline restores it.
  await row(page, "delete_user").getByRole("button", { name: "Reset to baseline" }).click();
  await expect(row(page, "delete_user").getByText("From baseline")).toBeVisible();
  await expect(row(page, "delete_user").getByRole("combobox", { name: /^Policy for / })).toHaveValue("auto");

  // History records the baseline's changes at this follower.
  await page.getByRole("tab", { name: "History" }).click();
  await expect(page.getByText(/applied the baseline send_email: Approval → Disabled/)).toBeVisible();
  await expect(page.getByText(/applied the baseline delete_user: Disabled → Automatic/)).toBeVisible();

  // Pictures of the new pages at both sizes, for the report.
  for (const [size, viewport] of [
    ["desktop-1280x800", DESKTOP],
    ["phone-375x812", PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    const pages: Array<[string, string]> = [
      ["baselines", "/settings/baselines"],
      ["baseline", baselinePath],
      ["follower", `/settings/integrations/${fabrikam}`],
    ];
    for (const [name, path] of pages) {
      await page.goto(path);
      await page.waitForLoadState("networkidle");
      const file = testInfo.outputPath(`${name}-${size}.png`);
      await page.screenshot({ path: file, fullPage: true });
      await testInfo.attach(`${name}-${size}`, { path: file, contentType: "image/png" });
    }
  }
});
