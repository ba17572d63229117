import { expect, test } from "@playwright/test";
import { FIRST_ADMIN } from "../fixtures/accounts";
import { openMenuIfCollapsed, signInViaApi, trpcMutation, unique } from "../fixtures/api";

test("a session cookie kept from before sign-out is refused afterwards", async ({ browser }) => {
  const context = await browser.newContext();
  await signInViaApi(context.request);
  const kept = await context.storageState();
  const page = await context.newPage();
  await page.goto("/settings/users");
  await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
  await openMenuIfCollapsed(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);

  const replay = await browser.newContext({ storageState: kept });
  const replayed = await replay.newPage();
  await replayed.goto("/settings/users");
  await expect(replayed).toHaveURL(/\/login/);
  const trpc = await replay.request.get("/api/trpc/users.list");
  expect(trpc.status()).toBe(401);
  await Promise.all([context.close(), replay.close()]);
});

test("an admin adds a technician with a one-time link; deactivating them ends their session at once", async ({ browser }) => {
  const admin = await browser.newContext();
  await signInViaApi(admin.request);
  const email = `tech-${unique()}@northwind-it.test`;
  const adminPage = await admin.newPage();
  await adminPage.goto("/settings/users");
  await adminPage.getByLabel("Name").fill("Terry Technician");
  await adminPage.getByLabel("E-mail").fill(email);
  await adminPage.getByRole("button", { name: "Add user" }).click();
  const link = (await adminPage.getByTestId("setup-link").textContent())!.trim();
  expect(link).toMatch(/\/set-password\/[A-Za-z0-9_-]{40,}$/);

  const tech = await browser.newContext();
  const techPage = await tech.newPage();
  await techPage.goto(new URL(link).pathname);
  await techPage.getByLabel("New password").fill("technician password 1");
  await techPage.getByLabel("Confirm password").fill("technician password 1");
  await techPage.getByRole("button", { name: "Set password" }).click();
  await expect(techPage.getByText("Your password is set")).toBeVisible();
  // The link works once.
  await techPage.goto(new URL(link).pathname);
  await expect(techPage.getByText("already been used")).toBeVisible();

  await signInViaApi(tech.request, email, "technician password 1");
  await techPage.goto("/settings/users");
  await expect(techPage.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
  // Technicians see the list but cannot manage users.
  await expect(techPage.getByRole("button", { name: "Add user" })).toHaveCount(0);
  await expect(trpcMutation(tech.request, "users.setActive", { userId: "usr_x", active: false })).rejects.toThrow(/Only admins/);

  const users = (await (await admin.request.get("/api/trpc/users.list")).json()) as {
    result: { data: { json: Array<{ id: string; email: string }> } };
  };
  const techId = users.result.data.json.find((user) => user.email === email)!.id;
  await trpcMutation(admin.request, "users.setActive", { userId: techId, active: false });
  await techPage.goto("/settings/users");
  await expect(techPage).toHaveURL(/\/login/);
  await Promise.all([admin.close(), tech.close()]);
});

test("the last active admin cannot be deactivated or demoted", async ({ browser }) => {
  const admin = await browser.newContext();
  await signInViaApi(admin.request);
  const users = (await (await admin.request.get("/api/trpc/users.list")).json()) as {
    result: { data: { json: Array<{ id: string; email: string }> } };
  };
  const me = users.result.data.json.find((user) => user.email === FIRST_ADMIN.email)!;
  await expect(trpcMutation(admin.request, "users.setActive", { userId: me.id, active: false })).rejects.toThrow(/last active admin/);
  await expect(trpcMutation(admin.request, "users.changeRole", { userId: me.id, role: "technician" })).rejects.toThrow(/last active admin/);
  await admin.close();
});

test("a cross-origin POST to a state-changing endpoint is refused", async ({ browser }) => {
  const admin = await browser.newContext();
  await signInViaApi(admin.request);
  const response = await admin.request.post("/api/trpc/users.invite", {
    data: { json: { email: `x-${unique()}@evil.test`, name: "Mallory", role: "admin" } },
    headers: { origin: "https://evil.example" },
  });
  expect(response.status()).toBe(403);
  // The deep-link page's form posts under /api/gateway: still checked (the proxy skips only the agents' paths).
  const deepLink = await admin.request.post("/api/gateway/approvals/decide", {
    form: { token: "x".repeat(43), decision: "approve" },
    headers: { origin: "https://evil.example" },
  });
  expect(deepLink.status()).toBe(403);
  expect(((await deepLink.json()) as { error: { code: string } }).error.code).toBe("forbidden");
  await admin.close();
});

test("session cookies are HttpOnly and SameSite=Lax, and Secure behind HTTPS", async ({ playwright, baseURL }) => {
  const plain = await playwright.request.newContext({ baseURL });
  const csrf = (await (await plain.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const response = await plain.post("/api/auth/callback/credentials", {
    form: { email: FIRST_ADMIN.email, password: FIRST_ADMIN.password, csrfToken: csrf.csrfToken, callbackUrl: "/" },
    maxRedirects: 0,
  });
  const session = response
    .headersArray()
    .find((header) => header.name.toLowerCase() === "set-cookie" && header.value.includes("session-token"))!.value;
  expect(session).toMatch(/HttpOnly/i);
  expect(session).toMatch(/SameSite=Lax/i);
  expect(session).not.toMatch(/;\s*Secure/i);
  await plain.dispose();

  // Behind a TLS-terminating proxy (X-Forwarded-Proto: https) the cookies are Secure and __Secure- prefixed.
  const secure = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-proto": "https" } });
  const secureCsrfResponse = await secure.get("/api/auth/csrf");
  const secureCsrf = (await secureCsrfResponse.json()) as { csrfToken: string };
  const csrfCookie = secureCsrfResponse
    .headersArray()
    .find((header) => header.name.toLowerCase() === "set-cookie" && header.value.includes("csrf-token"))!
    .value.split(";")[0]!;
  const secureResponse = await secure.post("/api/auth/callback/credentials", {
    form: { email: FIRST_ADMIN.email, password: FIRST_ADMIN.password, csrfToken: secureCsrf.csrfToken, callbackUrl: "/" },
    headers: { cookie: csrfCookie },
    maxRedirects: 0,
  });
  const secureSession = secureResponse
    .headersArray()
    .find((header) => header.name.toLowerCase() === "set-cookie" && header.value.includes("session-token"))!.value;
  expect(secureSession).toMatch(/^__Secure-authjs\.session-token=/);
  expect(secureSession).toMatch(/;\s*Secure/i);
  expect(secureSession).toMatch(/HttpOnly/i);
  await secure.dispose();
});
