// CI's performance gate: five short benchmark runs on PostgreSQL; fails only when a median
// throughput ratio over B1 (the framework's own floor) falls below its threshold: G (REST
// /api/gateway) below 0.70, or M (/api/mcp through the official SDK client) below 0.55. Ratios,
// never absolute numbers, because CI machines are shared and noisy; the thresholds sit under the
// issue's targets (0.90 and 0.80) by the noise seen on a loaded 2-core machine. Five runs, not three:
// on the same commit, within one hour, single runs of G÷B1 ranged 0.67–0.83 and the median of three
// 0.69–0.79, so three runs put a pass or fail on one unlucky run.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const THRESHOLDS = { throughputGoverB1: 0.7, throughputMoverB1: 0.55 } as const;
type Gated = keyof typeof THRESHOLDS;
const RUNS = Number(process.env.BENCH_GATE_RUNS ?? 5);
if (!process.env.DATABASE_URL) {
  console.error("bench gate: DATABASE_URL must point at PostgreSQL (the gate measures the PostgreSQL figures).");
  process.exit(2);
}
// Each run writes its figures here (`npm test` makes the folder too; `npm run bench:gate` alone must not fail on a fresh clone).
mkdirSync(join(process.cwd(), ".test-tmp"), { recursive: true });
const ratios: Record<Gated, number[]> = { throughputGoverB1: [], throughputMoverB1: [] };
for (let run = 1; run <= RUNS; run++) {
  const output = join(process.cwd(), ".test-tmp", `bench-gate-${run}.json`);
  const result = spawnSync(process.execPath, ["--import", "tsx", join("bench", "run.ts")], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, BENCH_SHORT: "1", BENCH_OUTPUT: output },
  });
  if (result.status !== 0) {
    console.error(`bench gate: run ${run} failed to complete`);
    process.exit(1);
  }
  const figures = JSON.parse(readFileSync(output, "utf8")) as { gateway: { c10: { ratios: Record<Gated, number> } } };
  for (const key of Object.keys(THRESHOLDS) as Gated[]) ratios[key].push(figures.gateway.c10.ratios[key]);
}
let failed = false;
for (const key of Object.keys(THRESHOLDS) as Gated[]) {
  const sorted = [...ratios[key]].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const label = key === "throughputGoverB1" ? "G÷B1" : "M÷B1";
  console.log(
    `bench gate: ${label} throughput per run ${ratios[key].map((ratio) => ratio.toFixed(2)).join(", ")}; median ${median.toFixed(2)} (fails below ${THRESHOLDS[key].toFixed(2)})`,
  );
  if (median < THRESHOLDS[key]) failed = true;
}
process.exit(failed ? 1 : 0);
