#!/usr/bin/env node
// `npm test`: typecheck, lint, the formatting check (prettier --check), a production build, vitest (unit, database tests on PGlite — and on
// PostgreSQL when TEST_DATABASE_URL is set — and the proof suite against production servers), then
// Playwright. Ends with one line: "N passed, N failed".
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { summarise } from "./lib/test-summary.mjs";

const root = process.cwd();
const bin = (name) => join(root, "node_modules", ".bin", name);
mkdirSync(join(root, ".test-tmp"), { recursive: true });
for (const report of ["vitest.json", "playwright.json"]) rmSync(join(root, ".test-tmp", report), { force: true });

const steps = [
  ["typecheck", bin("tsc"), ["--noEmit"]],
  ["lint", bin("eslint"), ["--max-warnings", "0", "."]],
  ["format", bin("prettier"), ["--check", "."]],
  ["build", process.execPath, ["-e", 'import("./scripts/lib/build.mjs").then((m) => m.buildIfStale())']],
  ["vitest", bin("vitest"), ["run", "--reporter=default", "--reporter=json", "--outputFile.json=.test-tmp/vitest.json"]],
  ["playwright", bin("playwright"), ["test"]],
];

console.log(
  process.env.TEST_DATABASE_URL
    ? "toolgate: database tests run on PGlite and on PostgreSQL (TEST_DATABASE_URL)."
    : "toolgate: database tests run on PGlite only (set TEST_DATABASE_URL to also run them on PostgreSQL).",
);

let failedStep = null;
for (const [name, command, args] of steps) {
  if (failedStep && name !== "playwright") continue;
  console.log(`\n▶ ${name}`);
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (result.status !== 0) {
    failedStep ??= name;
    // Typecheck, lint, format or build failures stop here; test failures still let the next suite report.
    if (name === "typecheck" || name === "lint" || name === "format" || name === "build") break;
  }
}

const summary = summarise(root);
console.log(`\n${summary.line}`);
if (failedStep) {
  console.error(`toolgate: ${failedStep} failed.`);
  process.exit(1);
}
