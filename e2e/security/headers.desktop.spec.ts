import { expect, test, type Page } from "@playwright/test";
import { signInViaApi } from "../fixtures/api";

/** Everything the page reports about Content-Security-Policy violations (console and events). */
function watchCspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) violations.push(message.text());
  });
  page.on("pageerror", (error) => violations.push(`page error: ${error.message}`));
  return violations;
}

/** React has hydrated when Next.js's client-side route announcer exists. */
async function expectHydrated(page: Page) {
  await expect(page.locator("next-route-announcer")).toHaveCount(1);
}

test("pages carry a nonce CSP, frame and sniffing protection, and still render and hydrate without CSP violations", async ({ page }) => {
  const violations = watchCspViolations(page);
  const login = await page.goto("/login");
  const headers = login!.headers();
  expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}' 'strict-dynamic'/);
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("same-origin");
  expect(headers["strict-transport-security"]).toBeUndefined(); // served over plain HTTP here
  await expectHydrated(page);

  const again = await page.request.get("/login");
  expect(again.headers()["content-security-policy"]).not.toBe(headers["content-security-policy"]); // a fresh nonce each time

  await signInViaApi(page.request);
  await page.goto("/settings/integrations");
  await expectHydrated(page);
  await page.goto("/approvals");
  await expectHydrated(page);
  expect(violations).toEqual([]);
});

test("API responses are nosniff and cannot be framed", async ({ request }) => {
  const response = await request.get("/api/gateway/tools");
  expect(response.status()).toBe(401);
  expect(response.headers()["content-type"]).toContain("application/json");
  expect(response.headers()["x-content-type-options"]).toBe("nosniff");
  expect(response.headers()["x-frame-options"]).toBe("DENY");
});

test("the deep-link approval page keeps its token on the site and cannot be framed", async ({ request }) => {
  const response = await request.get(`/approve/${"Z".repeat(43)}`);
  expect(response.status()).toBe(404);
  expect(response.headers()["referrer-policy"]).toBe("same-origin");
  expect(response.headers()["x-frame-options"]).toBe("DENY");
  expect(response.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
});
