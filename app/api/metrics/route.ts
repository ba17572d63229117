import { getDatabaseHandle } from "@/server/database";
import { handleRoute } from "@/server/http";
import { scrapeMetrics } from "@/server/metrics/scrape";

export const dynamic = "force-dynamic";

/** GET /api/metrics — Prometheus text format, for a scraper holding TOOLGATE_METRICS_TOKEN. */
export const GET = handleRoute(async (request: Request) => {
  const { contentType, body } = await scrapeMetrics(await getDatabaseHandle(), request.headers.get("authorization"));
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
});
