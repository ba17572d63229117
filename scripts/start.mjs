#!/usr/bin/env node
// `npm start`: checks the environment, builds when the build is missing or stale, then runs
// `next start`. Migrations are applied by the app itself at start-up (instrumentation.ts).
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { buildIfStale, nextBin } from "./lib/build.mjs";

const root = process.cwd();
const check = spawnSync(process.execPath, ["--import", "tsx", join(root, "scripts", "check-env.ts")], { stdio: "inherit" });
if (check.status !== 0) process.exit(check.status ?? 1);

buildIfStale(root);

const port = process.env.PORT ?? "3000";
const child = spawn(process.execPath, [nextBin(root), "start", "-p", port, ...process.argv.slice(2)], {
  stdio: "inherit",
  // The app closes its database itself on SIGTERM/SIGINT (PGlite must be closed cleanly).
  env: { ...process.env, PORT: port, NEXT_MANUAL_SIG_HANDLE: "true", NEXT_TELEMETRY_DISABLED: "1" },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGINT" ? 130 : 143)));
