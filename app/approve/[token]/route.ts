import { getDb } from "@/server/database";
import { viewApprovalLink } from "@/server/approvals/deep-link";
import { approvalCsrfToken } from "@/server/approvals/tokens";
import { clientAddressOf } from "@/server/net/client-address";
import { handleRoute } from "@/server/http";
import { approvalPageHtml } from "../approval-html";

export const dynamic = "force-dynamic";

const STATUS = { unknown: 404, rate_limited: 429, expired: 410, open: 200, closed: 200 } as const;

/** The deep-link approval page. A GET only shows; deciding is a POST from its form. */
export const GET = handleRoute(async (request: Request, { params }: { params: Promise<{ token: string }> }) => {
  const { token } = await params;
  const view = await viewApprovalLink(await getDb(), token, clientAddressOf(request.headers));
  const notice = new URL(request.url).searchParams.get("done") ? "Your decision is recorded." : null;
  const html = approvalPageHtml(view, token, approvalCsrfToken(token), notice);
  return new Response(html, {
    status: STATUS[view.state],
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      // same-origin, not no-referrer: the token never leaves the site, and the form POST keeps its Origin header (proxy.ts checks it).
      "referrer-policy": "same-origin",
      "x-frame-options": "DENY",
      "content-security-policy":
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    },
  });
});
