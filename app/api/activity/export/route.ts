import { getDb } from "@/server/database";
import { callsToCsv, loadCsvApprovals } from "@/server/activity/csv-export";
import { filtersFromSearchParams } from "@/server/activity/filters";
import { listCalls } from "@/server/activity/list-calls";
import { getCurrentUser } from "@/server/auth/current-user";
import { errorResponse, handleRoute } from "@/server/http";

export const dynamic = "force-dynamic";

/** GET /api/activity/export?… — the filtered Activity list as CSV (signed-in users of the workspace). */
export const GET = handleRoute(async (request: Request) => {
  const user = await getCurrentUser();
  if (!user) return errorResponse("unauthorized", "Sign in first.");
  const filters = filtersFromSearchParams(Object.fromEntries(new URL(request.url).searchParams));
  const db = await getDb();
  const rows = await listCalls({ db, user }, { ...filters, limit: 5_000 });
  const approvals = await loadCsvApprovals(
    db,
    user.workspaceId,
    rows.map((row) => row.id),
  );
  return new Response(callsToCsv(rows, approvals), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="toolgate-activity-${new Date().toISOString().slice(0, 10)}.csv"`,
      "cache-control": "no-store",
    },
  });
});
