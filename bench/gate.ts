// CI's performance gate: three short benchmark runs on PostgreSQL; fails only when the median
// throughput ratio G÷B1 (an enforced call vs. the framework's own floor) is below 0.70 — a ratio,
// never an absolute number, because CI machines are shared and noisy.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const THRESHOLD = 0.7;
const RUNS = Number(process.env.BENCH_GATE_RUNS ?? 3);
if (!process.env.DATABASE_URL) {
  console.error("bench gate: DATABASE_URL must point at PostgreSQL (the gate measures the PostgreSQL figures).");
  process.exit(2);
}
const ratios: number[] = [];
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
  const figures = JSON.parse(readFileSync(output, "utf8")) as { gateway: { c10: { ratios: { throughputGoverB1: number } } } };
  ratios.push(figures.gateway.c10.ratios.throughputGoverB1);
}
const sorted = [...ratios].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)]!;
console.log(
  `bench gate: G÷B1 throughput per run ${ratios.map((ratio) => ratio.toFixed(2)).join(", ")}; median ${median.toFixed(2)} (fails below ${THRESHOLD.toFixed(2)})`,
);
process.exit(median < THRESHOLD ? 1 : 0);
