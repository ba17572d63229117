import { expect, test } from "@playwright/test";
import { connectDemoDirectory, signInViaApi, trpcMutation, unique } from "../fixtures/api";

test("an admin copies a new agent's key, edits its name and scope (cancelling its waiting call), and deletes it while its history stays", async ({
  page,
  context,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signInViaApi(page.request);
  const demo = await connectDemoDirectory(page.request);
  const client = await trpcMutation<{ id: string }>(page.request, "clients.create", { name: `Scope client ${unique()}` });
  const name = `Copy agent ${unique()}`;
  await page.goto("/agents");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Create agent and key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent())!;
  expect(key).toMatch(/^tg_/);
  await page.getByRole("button", { name: "Copy API key" }).click();
  await expect(page.getByRole("button", { name: "Copy API key" })).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);

  // A call that waits for approval on an MSP-wide integration.
  const waiting = await page.request.post("/api/gateway", {
    headers: { authorization: `Bearer ${key}` },
    data: { integration: demo.slug, tool: "reset_password", arguments: { email: "tom.becker@contoso-dental.test" } },
  });
  expect(waiting.status()).toBe(202);
  const { callId } = (await waiting.json()) as { callId: string };

  const card = page.getByRole("listitem").filter({ hasText: name });
  await expect(card.getByRole("button", { name: "New key (old one keeps working)" })).toBeVisible();
  await expect(card.getByRole("button", { name: "Retire (rotation)" })).toBeVisible();
  await expect(card.getByText(/calls already made with it go on/)).toBeVisible();
  await card.getByRole("button", { name: "Edit" }).click();
  const form = page.getByRole("form", { name: `Edit ${name}` });
  await expect(form.getByTestId("scope-warning")).toContainText("Narrowing the scope cancels this agent’s calls waiting for approval");
  await form.getByLabel("Name").fill(`${name} renamed`);
  await form.getByLabel("Only these clients:").check();
  await form.getByRole("checkbox", { name: /Scope client/ }).check();
  await form.getByLabel("Also the MSP’s own integrations").uncheck();
  await form.getByRole("button", { name: "Save agent" }).click();
  await expect(
    page.getByText(/renamed, scope changed; 1 call\(s\) waiting for approval outside the new scope were cancelled/),
  ).toBeVisible();
  const renamed = page.getByRole("listitem").filter({ hasText: `${name} renamed` });
  await expect(renamed.getByText(/Scope: Scope client/)).toBeVisible();
  const status = await page.request.get(`/api/gateway/calls/${callId}`, { headers: { authorization: `Bearer ${key}` } });
  expect(((await status.json()) as { status: string }).status).toBe("cancelled");

  page.once("dialog", (dialog) => dialog.accept());
  await renamed.getByRole("button", { name: "Delete" }).click();
  await expect(page.getByText("Agent deleted: its keys no longer work and its calls stay in the Activity log.")).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: `${name} renamed` })).toHaveCount(0);
  const refused = await page.request.post("/api/gateway", {
    headers: { authorization: `Bearer ${key}` },
    data: { integration: demo.slug, tool: "list_users", arguments: {} },
  });
  expect(refused.status()).toBe(401);
  await page.goto(`/activity/${callId}`);
  await expect(page.getByText(`By ${name} renamed`)).toBeVisible();
  void client;
});
