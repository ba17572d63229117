// Builds the app (next build) when the build is missing or older than any source file.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const SOURCES = [
  "app",
  "server",
  "db",
  "components",
  "instrumentation.ts",
  "proxy.ts",
  "next.config.mjs",
  "package.json",
  "postcss.config.mjs",
];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export const nextBin = (root = process.cwd()) => join(root, "node_modules", "next", "dist", "bin", "next");

export function buildIfStale(root = process.cwd()) {
  const buildId = join(root, ".next", "BUILD_ID");
  const stale = !existsSync(buildId) || SOURCES.some((source) => newestMtime(join(root, source)) > statSync(buildId).mtimeMs);
  if (!stale && process.env.TOOLGATE_FORCE_BUILD !== "1") return;
  console.log("toolgate: building (next build)…");
  const build = spawnSync(process.execPath, [nextBin(root), "build"], {
    stdio: "inherit",
    cwd: root,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
