import { expect, test, type Page } from "@playwright/test";
import { connectDemoDirectory, signInViaApi, trpcMutation, unique } from "../fixtures/api";

async function setPolicy(page: Page, tool: string, label: string) {
  await page
    .getByTestId(`tool-${tool}`)
    .getByRole("combobox", { name: /^Policy for / })
    .selectOption({ label });
}

test("changing a tool's policy shows what the draft would have done to the week's calls, next to what happened", async ({
  page,
}, testInfo) => {
  await signInViaApi(page.request);
  const demo = await connectDemoDirectory(page.request);
  const agent = await trpcMutation<{ key: string }>(page.request, "agents.create", {
    name: `Impact agent ${unique()}`,
    scope: { allClients: true, clientIds: [], mspWide: true },
  });
  const call = (tool: string) =>
    page.request.post("/api/gateway", {
      headers: { authorization: `Bearer ${agent.key}` },
      data: { integration: demo.slug, tool, arguments: { email: "tom.becker@contoso-dental.test" } },
    });
  // Three reads that ran at once, and one reset that went to approval.
  for (let index = 0; index < 3; index++) expect((await call("get_user")).status()).toBe(200);
  expect((await call("reset_password")).status()).toBe(202);

  await page.goto(`/settings/integrations/${demo.integrationId}`);
  await expect(page.getByTestId("impact-preview")).toHaveCount(0);

  await setPolicy(page, "get_user", "Disabled — hidden from the agent");
  const preview = page.getByTestId("impact-preview");
  await expect(preview.getByTestId("impact-refused")).toHaveText("3 would be refused (actually 0)");
  await expect(preview.getByTestId("impact-auto")).toHaveText("0 would run automatically (actually 3)");
  await expect(preview.getByTestId("impact-approval")).toHaveText("1 would need approval (actually 1)");
  await expect(preview.getByTestId("impact-changed")).toContainText("3 calls of 4 would have gone differently (get_user 3)");
  const link = preview.getByRole("link", { name: "See these tools' calls in Activity" });
  await expect(link).toHaveAttribute("href", new RegExp(`integration=${demo.integrationId}&tools=get_user&from=`));

  await setPolicy(page, "get_user", "Needs technician approval");
  await expect(preview.getByTestId("impact-approval")).toHaveText("4 would need approval (actually 1)");
  await expect(preview.getByTestId("impact-refused")).toHaveText("0 would be refused (actually 0)");
  await page.screenshot({ path: testInfo.outputPath("impact-preview-desktop.png"), fullPage: false });

  // The linked Activity shows exactly those calls.
  await page.goto((await link.getAttribute("href"))!);
  await expect(page.getByTestId("tools-filter")).toContainText("Only calls of get_user");
  await expect(page.getByRole("list", { name: "Calls" }).getByRole("listitem")).toHaveCount(3);

  // On a phone the preview sits in the bar above Save, and wraps.
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto(`/settings/integrations/${demo.integrationId}`);
  await setPolicy(page, "get_user", "Disabled — hidden from the agent");
  await expect(preview.getByTestId("impact-auto")).toHaveText("0 would run automatically (actually 3)");
  await page.screenshot({ path: testInfo.outputPath("impact-preview-phone.png"), fullPage: false });
});
