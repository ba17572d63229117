import { getDatabaseHandle } from "@/server/database";
import { handleRoute } from "@/server/http";

export const dynamic = "force-dynamic";

/** For load balancers and the tests' start-up wait: 200 only when the database answers. */
export const GET = handleRoute(async () => {
  try {
    const handle = await getDatabaseHandle();
    await handle.ping();
    return Response.json({ status: "ok", database: handle.driver });
  } catch {
    return Response.json(
      { status: "unavailable", error: { code: "database_unavailable", message: "The database does not answer." } },
      { status: 503, headers: { "retry-after": "2" } },
    );
  }
});
