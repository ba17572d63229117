import { createHash, timingSafeEqual } from "node:crypto";
import type { DatabaseHandle } from "@/db";
import { getEnv } from "../env";
import { ServiceError } from "../errors";
import { refreshDatabaseGauges } from "./database-gauges";
import { metrics } from "./registry";

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * Checks the scraper's bearer token against TOOLGATE_METRICS_TOKEN (in constant time) and returns
 * the Prometheus text exposition. With no token configured the endpoint is off.
 */
export async function scrapeMetrics(
  handle: DatabaseHandle,
  authorization: string | null,
  expected: string | undefined = getEnv().TOOLGATE_METRICS_TOKEN,
): Promise<{ contentType: string; body: string }> {
  if (!expected) throw new ServiceError("not_found", "Metrics are off: set TOOLGATE_METRICS_TOKEN to turn them on.");
  const presented = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? "";
  if (!timingSafeEqual(digest(presented), digest(expected))) {
    throw new ServiceError("unauthorized", "Send the metrics token as Authorization: Bearer <TOOLGATE_METRICS_TOKEN>.");
  }
  const m = metrics();
  await refreshDatabaseGauges(handle).catch(() => m.scrapeErrors.inc());
  return { contentType: m.registry.contentType, body: await m.registry.metrics() };
}
