import { expect, test } from "@playwright/test";
import { signInViaApi, trpcMutation, unique } from "../fixtures/api";

type Line = { seq: number; prev: string; link: string; event: { id: string; action: string; workspaceId: string } };

test("Activity exports the sealed audit chain as JSON Lines for admins only", async ({ browser }) => {
  const admin = await browser.newContext();
  await signInViaApi(admin.request);
  const page = await admin.newPage();
  await page.goto("/activity");
  const link = page.getByRole("link", { name: "Export audit (JSON Lines)" });
  await expect(link).toBeVisible();

  // The sealer runs every two seconds: wait for the first links to be there.
  let lines: Line[] = [];
  await expect(async () => {
    const response = await admin.request.get("/api/activity/audit-export");
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toContain("application/x-ndjson");
    lines = (await response.text())
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Line);
    expect(lines.length).toBeGreaterThan(0);
  }).toPass({ timeout: 30_000 });
  expect(lines[0]!.seq).toBe(1);
  expect(lines[0]!.prev).toBe("0".repeat(64));
  for (let index = 1; index < lines.length; index++) {
    expect(lines[index]!.seq).toBe(lines[index - 1]!.seq + 1);
    expect(lines[index]!.prev).toBe(lines[index - 1]!.link);
  }

  // A technician may not export the audit log.
  const email = `auditor-${unique()}@northwind-it.test`;
  const { setupLink } = await trpcMutation<{ setupLink: string }>(admin.request, "users.invite", {
    email,
    name: "Tech",
    role: "technician",
  });
  const tech = await browser.newContext();
  const techPage = await tech.newPage();
  await techPage.goto(new URL(setupLink).pathname);
  await techPage.getByLabel("New password").fill("technician password 1");
  await techPage.getByLabel("Confirm password").fill("technician password 1");
  await techPage.getByRole("button", { name: "Set password" }).click();
  await expect(techPage.getByText("Your password is set")).toBeVisible();
  await signInViaApi(tech.request, email, "technician password 1");
  expect((await tech.request.get("/api/activity/audit-export")).status()).toBe(403);
  await Promise.all([admin.close(), tech.close()]);
});
