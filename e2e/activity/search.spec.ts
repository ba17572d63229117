import { expect, test } from "@playwright/test";
import { connectDemoDirectory, signInViaApi, trpcMutation, trpcQuery, unique } from "../fixtures/api";
import { useLayoutViewport } from "../fixtures/layout";

test("Activity: the client filter shows its longest choice, search finds an approver's calls, and the CSV names approvers with comments and times", async ({
  page,
}, testInfo) => {
  await signInViaApi(page.request);
  await useLayoutViewport(page, testInfo);
  const clientName = `Contoso Dental Partners of Greater Springfield ${unique()}`;
  await trpcMutation(page.request, "clients.create", { name: clientName });
  const demo = await connectDemoDirectory(page.request);
  const agent = await trpcMutation<{ key: string }>(page.request, "agents.create", {
    name: `Activity agent ${unique()}`,
    scope: { allClients: true, clientIds: [], mspWide: true },
  });
  const response = await page.request.post("/api/gateway", {
    headers: { authorization: `Bearer ${agent.key}` },
    data: { integration: demo.slug, tool: "reset_password", arguments: { email: "tom.becker@contoso-dental.test" } },
  });
  const { callId } = (await response.json()) as { callId: string };
  const { items } = await trpcQuery<{ items: Array<{ id: string; kind: string }> }>(page.request, "approvals.inbox", { callId });
  const comment = `Verified by phone ${unique()}`;
  await trpcMutation(page.request, "approvals.decide", {
    approvalRequestId: items.find((item) => item.kind === "technician")!.id,
    decision: "deny",
    comment,
  });

  await page.goto("/activity");
  // The client filter is wide enough for the longest client name (not cut off).
  const client = page.getByRole("combobox", { name: "Client" });
  await client.selectOption({ label: clientName });
  const fits = await client.evaluate((select: HTMLSelectElement) => {
    const style = getComputedStyle(select);
    const context = document.createElement("canvas").getContext("2d")!;
    context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const text = context.measureText(select.selectedOptions[0]!.text).width;
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return { text, room };
  });
  if (!testInfo.project.name.startsWith("mobile"))
    expect(fits.room, "the selected client's name fits the filter").toBeGreaterThanOrEqual(fits.text);
  await client.selectOption({ value: "" });

  await page.getByRole("searchbox", { name: "Search" }).fill("Avery Admin");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/q=Avery\+Admin/);
  await expect(page.getByRole("list", { name: "Calls" }).locator(`a[href="/activity/${callId}"]`)).toBeVisible();

  const csv = await (await page.request.get(`/api/activity/export?q=${encodeURIComponent(demo.slug)}`)).text();
  const [header, ...lines] = csv.trim().split("\r\n");
  const columns = header!.split(",");
  const line = lines.find((row) => row.startsWith(callId))!;
  const cells = Object.fromEntries(columns.map((name, index) => [name, line.split(",")[index]]));
  expect(cells).toMatchObject({ technician_approver: "Avery Admin", technician_decision: "denied", technician_comment: comment });
  expect(cells.technician_decided_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
});
