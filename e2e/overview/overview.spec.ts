import { expect, test, type APIRequestContext } from "@playwright/test";
import { connectDemoDirectory, signInViaApi, trpcMutation, trpcQuery, unique } from "../fixtures/api";

/** The calls behind the charts: ran automatically, refused (unknown tool), waiting, approved and denied. */
async function recordCalls(request: APIRequestContext) {
  const { slug } = await connectDemoDirectory(request);
  const agent = await trpcMutation<{ key: string }>(request, "agents.create", {
    name: `Overview agent ${unique()}`,
    scope: { allClients: true, clientIds: [], mspWide: true },
  });
  const call = async (tool: string, args: Record<string, unknown>) => {
    const response = await request.post("/api/gateway", {
      headers: { authorization: `Bearer ${agent.key}` },
      data: { integration: slug, tool, arguments: args },
    });
    return (await response.json()) as { callId: string; status: string };
  };
  for (let index = 0; index < 4; index++) await call("list_users", {});
  await call("no_such_tool", {});
  const pending = [];
  for (let index = 0; index < 3; index++) pending.push(await call("reset_password", { email: "tom.becker@contoso-dental.test" }));
  const decide = async (callId: string, decision: "approve" | "deny") => {
    const { items } = await trpcQuery<{ items: Array<{ id: string; kind: string }> }>(request, "approvals.inbox", { callId });
    const approval = items.find((item) => item.kind === "technician")!;
    await trpcMutation(request, "approvals.decide", {
      approvalRequestId: approval.id,
      decision,
      comment: decision === "deny" ? "Not today" : undefined,
    });
  };
  await decide(pending[0]!.callId, "approve");
  await decide(pending[1]!.callId, "deny");
}

test("the Overview draws calls per day, approval waits, top tools and clients from recorded calls, legible on desktop and phone", async ({
  page,
}, testInfo) => {
  await signInViaApi(page.request);
  await recordCalls(page.request);
  const phone = testInfo.project.name.startsWith("mobile");
  await page.setViewportSize(phone ? { width: 375, height: 812 } : { width: 1280, height: 800 });
  await page.goto("/overview");
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
  const total = Number((await page.getByTestId("total-calls").textContent())!.replace(/,/g, ""));
  expect(total).toBeGreaterThanOrEqual(7);
  expect(Number(await page.getByTestId("pending-now").textContent())).toBeGreaterThanOrEqual(1);
  // recharts drew the stacked bars and the legend names every outcome.
  const bars = page.getByTestId("calls-per-day-chart").locator(".recharts-bar-rectangle path");
  await expect(bars.first()).toBeVisible();
  for (const label of ["Ran automatically", "Approved", "Denied", "Refused"]) {
    await expect(page.getByTestId("calls-per-day-chart").getByText(label, { exact: true })).toBeVisible();
  }
  await expect(page.getByTestId("approval-wait-chart").locator(".recharts-line-curve").first()).toBeAttached();
  await expect(page.getByRole("heading", { name: "Top tools by calls" })).toBeVisible();
  await expect(page.getByText("list_users").first()).toBeVisible();
  await expect(page.getByRole("link", { name: "MSP-wide" })).toBeVisible();
  await testInfo.attach(`overview-${phone ? "phone-375x812" : "desktop-1280x800"}`, {
    body: await page.screenshot({ fullPage: true }),
    contentType: "image/png",
  });

  // The range and the client filter are links and a form: 30 days, MSP-wide only.
  await page.getByRole("link", { name: "30 days" }).click();
  await expect(page).toHaveURL(/days=30/);
  await page.getByRole("link", { name: "MSP-wide" }).click();
  await expect(page).toHaveURL(/client=msp/);
  await expect(page.getByText(/for MSP-wide/)).toBeVisible();
});
