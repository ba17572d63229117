import { getDb } from "@/server/database";
import { decideByLink } from "@/server/approvals/deep-link";
import { clientAddressOf } from "@/server/net/client-address";
import { handleRoute } from "@/server/http";

export const dynamic = "force-dynamic";

const DECISIONS = new Set(["approve", "approve_for_1h", "deny", "not_my_report"]);

function page(status: number, message: string, token: string | null): Response {
  const back = token && /^[A-Za-z0-9_-]{40,60}$/.test(token) ? `<p><a href="/approve/${token}">Back to the request</a></p>` : "";
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Toolgate</title></head><body style="font:16px/1.5 system-ui,sans-serif;max-width:560px;margin:0 auto;padding:24px 16px"><h1 style="font-size:1.3rem">${message.replace(/[<>&"]/g, "")}</h1>${back}</body></html>`;
  return new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}

/**
 * POST /api/gateway/approvals/decide — the deep-link page's form. Approvers reach the same
 * enforcement point agents do; the same-origin check (proxy.ts) and the form's CSRF token guard it.
 */
export const POST = handleRoute(async (request: Request) => {
  const type = request.headers.get("content-type") ?? "";
  if (!type.includes("application/x-www-form-urlencoded") && !type.includes("multipart/form-data"))
    return page(415, "Send the approval form.", null);
  const form = await request.formData();
  const token = String(form.get("token") ?? "");
  const decision = String(form.get("decision") ?? "");
  if (!DECISIONS.has(decision)) return page(400, "Choose Approve or Deny.", token);
  const comment = String(form.get("comment") ?? "").slice(0, 1_000) || null;
  const result = await decideByLink(await getDb(), {
    token,
    csrf: String(form.get("csrf") ?? ""),
    decision: decision as "approve" | "approve_for_1h" | "deny" | "not_my_report",
    comment,
    clientAddress: clientAddressOf(request.headers),
  });
  if (result.status === 303) return new Response(null, { status: 303, headers: { location: `/approve/${token}?done=1` } });
  return page(result.status, result.message, token);
});
