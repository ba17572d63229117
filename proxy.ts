import { NextResponse, type NextRequest } from "next/server";
import { forwardedHttps } from "@/server/net/client-address";
import { parseNetworks } from "@/server/net/outbound-guard";
import { contentSecurityPolicy, newNonce, STRICT_TRANSPORT_SECURITY } from "@/server/security-headers";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/**
 * Agent and machine endpoints authenticate every request themselves (bearer keys, Slack
 * signatures) and carry no ambient cookie authority, so the browser origin check does not apply.
 * /api/mcp checks Origin itself, as the MCP spec asks.
 */
const MACHINE_PATHS = [
  /^\/api\/gateway(\/tools|\/calls|\/openapi\.json)?$/,
  /^\/api\/gateway\/calls\//,
  /^\/\.well-known\//,
  /^\/register$/,
  /^\/api\/mcp/,
  /^\/api\/slack\//,
  /^\/api\/demo\//,
  /^\/api\/bench\//,
];

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/**
 * CSRF defence for everything a signed-in browser can change: a state-changing request whose
 * Origin is another site is refused. (Requests without Origin come from non-browser clients,
 * which hold no victim's cookies; SameSite=Lax cookies cover old browsers.)
 */
function crossOriginRefusal(request: NextRequest): NextResponse | null {
  if (SAFE_METHODS.has(request.method)) return null;
  const path = request.nextUrl.pathname;
  if (MACHINE_PATHS.some((pattern) => pattern.test(path))) return null;
  const origin = request.headers.get("origin");
  const expectedHost = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  const crossSite = request.headers.get("sec-fetch-site") === "cross-site";
  if (crossSite || (origin !== null && (origin === "null" || hostOf(origin) !== expectedHost))) {
    return NextResponse.json(
      { error: { code: "forbidden", message: "Cross-origin request refused: this action must come from Toolgate's own pages." } },
      { status: 403 },
    );
  }
  return null;
}

/** Served over HTTPS: the public URL says so, or a trusted proxy does (X-Forwarded-Proto). */
function servedOverHttps(request: NextRequest): boolean {
  if ((process.env.TOOLGATE_URL ?? "").startsWith("https:")) return true;
  try {
    return forwardedHttps(request.headers, parseNetworks("TOOLGATE_TRUSTED_PROXIES", process.env.TOOLGATE_TRUSTED_PROXIES));
  } catch {
    return false;
  }
}

/**
 * Every request: the CSRF check, then security headers. Pages get a Content-Security-Policy with
 * a fresh nonce, which Next.js reads from the request's CSP header and puts on its own scripts.
 * (X-Frame-Options, nosniff and Referrer-Policy are static, in next.config.mjs, so they reach
 * paths this proxy does not run on.)
 */
export function proxy(request: NextRequest) {
  const https = servedOverHttps(request);
  const refused = crossOriginRefusal(request);
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, { development: process.env.NODE_ENV === "development", https });
  let response: NextResponse;
  if (refused) {
    response = refused;
  } else {
    const forwarded = new Headers(request.headers);
    forwarded.set("x-nonce", nonce);
    forwarded.set("content-security-policy", csp);
    response = NextResponse.next({ request: { headers: forwarded } });
  }
  response.headers.set("content-security-policy", csp);
  if (https) response.headers.set("strict-transport-security", STRICT_TRANSPORT_SECURITY);
  return response;
}

// Not run at all on the agents' hot paths (they would pass straight through: see MACHINE_PATHS),
// so a tool call pays nothing for it. The deep-link form's /api/gateway/approvals/… stays covered.
export const config = {
  matcher: [
    "/((?!_next/static|_next/image|favicon.ico|api/mcp|api/bench/|api/gateway/calls|api/gateway/tools|api/gateway/openapi\\.json|api/gateway$).*)",
  ],
};
