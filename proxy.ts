import { NextResponse, type NextRequest } from "next/server";

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
export function proxy(request: NextRequest) {
  if (SAFE_METHODS.has(request.method)) return NextResponse.next();
  const path = request.nextUrl.pathname;
  if (MACHINE_PATHS.some((pattern) => pattern.test(path))) return NextResponse.next();
  const origin = request.headers.get("origin");
  const expectedHost = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  const crossSite = request.headers.get("sec-fetch-site") === "cross-site";
  if (crossSite || (origin !== null && (origin === "null" || hostOf(origin) !== expectedHost))) {
    return NextResponse.json(
      { error: { code: "forbidden", message: "Cross-origin request refused: this action must come from Toolgate's own pages." } },
      { status: 403 },
    );
  }
  return NextResponse.next();
}

// Not run at all on the agents' hot paths (they would pass straight through: see MACHINE_PATHS),
// so a tool call pays nothing for it. The deep-link form's /api/gateway/approvals/… stays covered.
export const config = {
  matcher: [
    "/((?!_next/static|_next/image|favicon.ico|api/mcp|api/bench/|api/gateway/calls|api/gateway/tools|api/gateway/openapi\\.json|api/gateway$).*)",
  ],
};
