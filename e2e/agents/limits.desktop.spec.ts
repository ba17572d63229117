import { expect, test } from "@playwright/test";
import { connectDemoDirectory, signInViaApi, trpcMutation, unique } from "../fixtures/api";

test("an admin puts an agent in plan mode and gives it a calls-a-minute limit on the Agents page; the gateway obeys both", async ({
  page,
  request,
}) => {
  await signInViaApi(page.request);
  await signInViaApi(request);
  const { slug } = await connectDemoDirectory(request);
  const name = `Limited agent ${unique()}`;
  const agent = await trpcMutation<{ key: string }>(request, "agents.create", {
    name,
    scope: { allClients: true, clientIds: [], mspWide: true },
  });
  const auth = { authorization: `Bearer ${agent.key}` };
  const listed = async (): Promise<string[]> =>
    ((await (await request.get("/api/gateway/tools", { headers: auth })).json()) as { tools: Array<{ name: string }> }).tools.map(
      (tool) => tool.name,
    );
  const everything = await listed();

  await page.goto("/agents");
  const row = page.getByRole("listitem").filter({ hasText: name });
  // The switch shows the saved state: it turns on once the server has it.
  const planMode = row.getByLabel(/Plan mode: only tools that run at once/);
  await planMode.click();
  await expect(row.getByText("Plan mode", { exact: true })).toBeVisible();
  await expect(planMode).toBeChecked();
  const inPlanMode = await listed();
  expect(inPlanMode.length).toBeGreaterThan(0);
  expect(inPlanMode.length).toBeLessThan(everything.length);
  expect(inPlanMode).not.toContain("reset_password");
  const refused = await request.post("/api/gateway", {
    headers: auth,
    data: { integration: slug, tool: "reset_password", arguments: { email: "someone@contoso-dental.test" } },
  });
  expect(refused.status()).toBe(403);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("plan_mode");

  const perMinute = row.getByLabel("At most");
  await perMinute.fill("0");
  await row.getByRole("button", { name: "Save limit" }).click();
  // The browser refuses it before anything is sent (the server's own words are tested in limits-and-plan-mode.db.test.ts).
  expect(await perMinute.evaluate((input) => (input as HTMLInputElement).validity.rangeUnderflow)).toBe(true);
  await perMinute.fill("2");
  await row.getByRole("button", { name: "Save limit" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "at least 1" })).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("listitem").filter({ hasText: name }).getByLabel("At most")).toHaveValue("2");

  const read = inPlanMode[0]!;
  // The limit counts in fixed minute windows: the three calls go in one, not across a minute's turn.
  const secondsLeft = 60 - new Date().getUTCSeconds();
  if (secondsLeft < 15) await page.waitForTimeout(secondsLeft * 1000 + 500);
  const statuses: number[] = [];
  for (let call = 0; call < 3; call++) {
    const response = await request.post("/api/gateway", { headers: auth, data: { integration: slug, tool: read, arguments: {} } });
    statuses.push(response.status());
    if (response.status() === 429) expect(Number(response.headers()["retry-after"])).toBeGreaterThanOrEqual(1);
  }
  // Two calls count in the window (whatever they answered); the third is refused.
  expect(statuses[2]).toBe(429);
});
