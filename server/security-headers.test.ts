import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { proxy } from "@/proxy";

afterEach(() => vi.unstubAllEnvs());

const page = (path = "/login", init?: ConstructorParameters<typeof NextRequest>[1]) =>
  proxy(new NextRequest(`http://localhost${path}`, init));

describe("security headers from proxy.ts", () => {
  it("gives every page a Content-Security-Policy with a fresh nonce, also handed to Next.js on the request", () => {
    const first = page();
    const second = page();
    const csp = first.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/script-src 'self' 'nonce-([A-Za-z0-9+/=]{24})' 'strict-dynamic'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(second.headers.get("content-security-policy")).not.toBe(csp);
    // NextResponse.next({ request: { headers } }) carries overridden request headers as x-middleware-request-*.
    expect(first.headers.get("x-middleware-request-content-security-policy")).toBe(csp);
    const nonce = csp.match(/'nonce-([^']+)'/)![1];
    expect(first.headers.get("x-middleware-request-x-nonce")).toBe(nonce);
  });

  it("sends HSTS only when served over HTTPS", () => {
    expect(page().headers.get("strict-transport-security")).toBeNull();
    // A client cannot claim HTTPS: X-Forwarded-Proto counts only from a trusted proxy.
    expect(page("/login", { headers: { "x-forwarded-proto": "https" } }).headers.get("strict-transport-security")).toBeNull();
    vi.stubEnv("TOOLGATE_URL", "https://toolgate.example.com");
    expect(page().headers.get("strict-transport-security")).toMatch(/^max-age=\d+; includeSubDomains$/);
  });

  it("keeps the headers on a refused cross-origin request", () => {
    const refused = page("/api/trpc/settings.update", { method: "POST", headers: { origin: "https://evil.example" } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });
});
