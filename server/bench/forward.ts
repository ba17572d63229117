import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import { mcpConnector } from "../integrations/connectors/mcp";
import { getEnv } from "../env";
import { getDatabaseHandle } from "../database";

/**
 * Benchmark-only helpers, reachable only when TOOLGATE_BENCH=1: a forward-only route (no auth, no
 * policy, no database — the framework's own floor; with `?read=1`, one database round trip first)
 * and process statistics.
 */
export const benchEnabled = () => getEnv().TOOLGATE_BENCH;

const connector = () => mcpConnector({ integrationId: "bench-forward", url: getEnv().TOOLGATE_BENCH_UPSTREAM ?? "", headers: {} });

/**
 * Forwards a call to the bench upstream. `readFirst` makes one round trip to the app's database
 * before (`select 1`, a prepared statement on the app's pool): the least any gateway that reads
 * fresh state for each call must add to the floor, measured in the same process (B1R).
 */
export async function forwardToUpstream(body: { tool?: string; arguments?: Record<string, unknown> }, { readFirst = false } = {}) {
  if (readFirst) await (await getDatabaseHandle()).query("select 1 as one", []);
  return connector().callTool(body.tool ?? "bench_get", body.arguments ?? {}, { timeoutMs: 30_000 });
}

const slot = globalThis as unknown as { __toolgateBenchHistogram?: IntervalHistogram; __toolgatePeakRss?: number };

export function benchStats(reset: boolean) {
  if (!slot.__toolgateBenchHistogram) {
    slot.__toolgateBenchHistogram = monitorEventLoopDelay({ resolution: 10 });
    slot.__toolgateBenchHistogram.enable();
    // memoryUsage.rss() reads one number; memoryUsage() walks the heap spaces and cost ~1 % of the
    // app's CPU in the bench's own profile.
    setInterval(() => {
      slot.__toolgatePeakRss = Math.max(slot.__toolgatePeakRss ?? 0, process.memoryUsage.rss());
    }, 100).unref();
  }
  const histogram = slot.__toolgateBenchHistogram;
  const stats = {
    eventLoopDelayP99Ms: histogram.percentile(99) / 1e6,
    eventLoopDelayMeanMs: histogram.mean / 1e6,
    rssMb: process.memoryUsage.rss() / 1e6,
    peakRssMb: Math.max(slot.__toolgatePeakRss ?? 0, process.memoryUsage.rss()) / 1e6,
  };
  if (reset) histogram.reset();
  return stats;
}
