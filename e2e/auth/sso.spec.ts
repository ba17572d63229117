import { expect, test, type Browser, type Page } from "@playwright/test";
import { openMenuIfCollapsed, signInViaApi, trpcMutation, trpcQuery, unique } from "../fixtures/api";
import { setOidcAccount } from "../fixtures/outside-services";

const DOMAIN = "northwind-it.test";

// Each test goes through the identity provider's pages several times.
test.slow();

/** Configures the workspace's SSO against the test identity provider (idempotent). */
async function configureSso(browser: Browser) {
  const admin = await browser.newContext();
  await signInViaApi(admin.request);
  const client = await setOidcAccount(`setup-${unique()}`, { email: `setup@${DOMAIN}` });
  await trpcMutation(admin.request, "sso.save", {
    kind: "oidc",
    issuer: client.issuer,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    allowedDomains: [DOMAIN],
    enabled: true,
  });
  return admin;
}

/**
 * The whole authorization-code + PKCE flow in the browser: Toolgate's sign-in page, the identity
 * provider's login and consent pages, and back.
 */
async function signInWithSso(page: Page, address: string, login: string) {
  await page.goto("/login");
  await page.getByLabel("Work address for single sign-on").fill(address);
  await page.getByRole("button", { name: "Continue with single sign-on" }).click();
  // At the identity provider's login page — or straight back, when this browser still has a session there.
  await page.waitForURL((url) =>
    url.hostname === "127.0.0.1" ? url.pathname.startsWith("/interaction/") : !(url.pathname === "/login" && url.search === ""),
  );
  if (new URL(page.url()).hostname === "127.0.0.1") {
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill("any password");
    await page.getByRole("button", { name: "Sign-in" }).click();
    // The provider asks for consent the first time a browser signs in to the client.
    const consent = page.getByRole("button", { name: "Continue" });
    await expect(async () => expect(new URL(page.url()).hostname === "localhost" || (await consent.isVisible())).toBe(true)).toPass();
    if (new URL(page.url()).hostname !== "localhost") await consent.click();
    await page.waitForURL((url) => url.hostname === "localhost");
  }
}

type UserRow = { id: string; email: string; active: boolean; ssoLinked: boolean };

test("an invited technician signs in through the identity provider (code + PKCE); sign-out and deactivation end it", async ({
  browser,
}) => {
  const admin = await configureSso(browser);
  const id = unique();
  const email = `tess-${id}@${DOMAIN}`;
  await trpcMutation(admin.request, "users.invite", { email, name: "Tess SSO", role: "technician" });
  await setOidcAccount(`tess-${id}`, { email, name: "Tess SSO" });

  const tess = await browser.newContext();
  const page = await tess.newPage();
  await signInWithSso(page, email, `tess-${id}`);
  // Technicians land on Approvals.
  await expect(page).toHaveURL(/\/approvals$/);
  await expect(page.getByRole("heading", { name: "Approvals", level: 1 })).toBeVisible();
  const users = await trpcQuery<UserRow[]>(admin.request, "users.list");
  const row = users.find((user) => user.email === email)!;
  expect(row.ssoLinked).toBe(true);

  // Sign-out revokes the server-side session: the kept cookie no longer works.
  const kept = await tess.storageState();
  await openMenuIfCollapsed(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  const replay = await browser.newContext({ storageState: kept });
  expect((await replay.request.get("/api/trpc/users.list")).status()).toBe(401);

  // Deactivated: the session in use ends, and signing in again through the identity provider is refused.
  await signInWithSso(page, email, `tess-${id}`);
  await expect(page).toHaveURL(/\/approvals$/);
  await trpcMutation(admin.request, "users.setActive", { userId: row.id, active: false });
  await page.goto("/overview");
  await expect(page).toHaveURL(/\/login/);
  await signInWithSso(page, email, `tess-${id}`);
  await expect(page).toHaveURL(/\/login\?sso=inactive/);
  await expect(page.getByRole("alert").filter({ hasText: "Your account is not active" })).toBeVisible();
  await Promise.all([admin.close(), tess.close(), replay.close()]);
});

test("someone uninvited from an allowed domain is created inactive; once an admin activates them they sign in", async ({ browser }) => {
  const admin = await configureSso(browser);
  const id = unique();
  const email = `newcomer-${id}@${DOMAIN}`;
  await setOidcAccount(`newcomer-${id}`, { email, name: "Nina Newcomer" });
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInWithSso(page, email, `newcomer-${id}`);
  await expect(page).toHaveURL(/\/login\?sso=pending_activation/);
  await expect(page.getByRole("alert").filter({ hasText: "waits for an admin to activate it" })).toBeVisible();

  const created = (await trpcQuery<UserRow[]>(admin.request, "users.list")).find((user) => user.email === email)!;
  expect(created).toMatchObject({ active: false, ssoLinked: true });
  await trpcMutation(admin.request, "users.setActive", { userId: created.id, active: true });
  await signInWithSso(page, email, `newcomer-${id}`);
  await expect(page).toHaveURL(/\/approvals$/);
  await Promise.all([admin.close(), context.close()]);
});

test("a domain that is not allowed is refused, before and after the identity provider", async ({ browser }) => {
  const admin = await configureSso(browser);
  const context = await browser.newContext();
  const page = await context.newPage();
  // No workspace signs in elsewhere.test with SSO: the sign-in page says so.
  await page.goto("/login");
  await page.getByLabel("Work address for single sign-on").fill("someone@elsewhere.test");
  await page.getByRole("button", { name: "Continue with single sign-on" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Single sign-on is not set up for elsewhere.test" })).toBeVisible();

  // The identity provider vouches for an address of another domain: refused, and nobody is created.
  const id = unique();
  await setOidcAccount(`outsider-${id}`, { email: `outsider-${id}@elsewhere.test` });
  await signInWithSso(page, `outsider-${id}@${DOMAIN}`, `outsider-${id}`);
  await expect(page).toHaveURL(/\/login\?sso=domain_not_allowed/);
  await expect(page.getByRole("alert").filter({ hasText: "Your e-mail domain may not sign in" })).toBeVisible();
  const users = await trpcQuery<UserRow[]>(admin.request, "users.list");
  expect(users.some((user) => user.email.startsWith(`outsider-${id}`))).toBe(false);
  await Promise.all([admin.close(), context.close()]);
});
