import { expect, test } from "@playwright/test";
import { connectDemoDirectory, signInViaApi, trpcMutation, trpcQuery, unique } from "../fixtures/api";
import { screenshotsAtBothSizes } from "../fixtures/layout";

test("three requests of one tool, selected in the inbox with their arguments shown, are approved with one comment and each runs once", async ({
  page,
}, testInfo) => {
  await signInViaApi(page.request);
  const { integrationId, slug } = await connectDemoDirectory(page.request);
  const tools = await trpcQuery<Array<{ id: string; name: string }>>(page.request, "policies.tools", { integrationId });
  const detail = await trpcQuery<{ revision: number }>(page.request, "integrations.get", { integrationId });
  await trpcMutation(page.request, "policies.save", {
    integrationId,
    revision: detail.revision,
    changes: [{ toolId: tools.find((tool) => tool.name === "reset_password")!.id, policy: "approval_needed", managerApproval: false }],
  });
  const { key } = await trpcMutation<{ key: string }>(page.request, "agents.create", {
    name: `Batch agent ${unique()}`,
    scope: { allClients: true, clientIds: [], mspWide: true },
  });
  const people = ["ana.gomez", "tom.becker", "sara.kim"].map((name) => `${name}@contoso-dental.test`);
  const calls: string[] = [];
  for (const email of people) {
    const response = await page.request.post("/api/gateway", {
      headers: { authorization: `Bearer ${key}` },
      data: { integration: slug, tool: "reset_password", arguments: { email }, reason: `batch ${unique()}` },
    });
    expect(response.status()).toBe(202);
    calls.push(((await response.json()) as { callId: string }).callId);
  }

  // From one of them, the inbox narrowed to the same tool: exactly these three.
  await page.goto(`/approvals?call=${calls[0]}`);
  await page.getByRole("link", { name: "Same tool" }).first().click();
  await expect(page.getByTestId("inbox-filter")).toContainText("Showing technician requests waiting for a decision");
  const cards = page.locator('li[data-testid^="approval-"]');
  await expect(cards).toHaveCount(3);
  await page.getByLabel("Select all 3 shown technician requests").check();
  await expect(page.getByTestId("batch")).toContainText("3 requests selected");
  await page.getByRole("button", { name: "Review and decide 3" }).click();

  // Each item's arguments are there before confirming.
  const review = page.getByRole("list", { name: "Selected requests" });
  for (const email of people) await expect(review).toContainText(email);
  await page.getByLabel("Comment for every selected request").fill("Verified with each user by phone");
  await screenshotsAtBothSizes(page, testInfo, "batch-review");

  await page.getByRole("button", { name: "Approve 3" }).click();
  await expect(page.getByTestId("batch-result")).toContainText("Decided 3 of 3.");
  await expect(cards).toHaveCount(0);
  await screenshotsAtBothSizes(page, testInfo, "batch-decided");

  // Each call ran, once, and carries the one comment.
  for (const callId of calls) {
    const response = await page.request.get(`/api/gateway/calls/${callId}?wait=30`, { headers: { authorization: `Bearer ${key}` } });
    expect(((await response.json()) as { status: string }).status).toBe("succeeded");
  }
  await page.goto(`/approvals?call=${calls[1]}`);
  await expect(page.locator('[data-testid^="decided-"]').first()).toContainText("approved by Avery Admin");
});
