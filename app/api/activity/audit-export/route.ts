import { getDb } from "@/server/database";
import { exportAuditJsonLines } from "@/server/audit/export";
import { getCurrentUser } from "@/server/auth/current-user";
import { errorResponse, handleRoute } from "@/server/http";

export const dynamic = "force-dynamic";

function dateParam(value: string | null): Date | undefined | null {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** GET /api/activity/audit-export?from&to — the workspace's sealed audit chain as JSON Lines (admins). */
export const GET = handleRoute(async (request: Request) => {
  const user = await getCurrentUser();
  if (!user) return errorResponse("unauthorized", "Sign in first.");
  if (user.role !== "admin") return errorResponse("forbidden", "Only admins can export the audit log.");
  const params = new URL(request.url).searchParams;
  const from = dateParam(params.get("from"));
  const to = dateParam(params.get("to"));
  if (from === null || to === null) return errorResponse("invalid_input", "from and to must be dates, e.g. 2026-11-30.");
  const lines = exportAuditJsonLines(await getDb(), { workspaceId: user.workspaceId, from, to });
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="toolgate-audit-${new Date().toISOString().slice(0, 10)}.jsonl"`,
      "cache-control": "no-store",
    },
  });
});
