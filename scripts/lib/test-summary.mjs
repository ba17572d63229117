// Sums the vitest and Playwright JSON reports into "N passed, N failed".
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

function readJson(path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : null;
}

export function summarise(root = process.cwd()) {
  let passed = 0;
  let failed = 0;
  const vitest = readJson(join(root, ".test-tmp", "vitest.json"));
  if (vitest) {
    passed += vitest.numPassedTests ?? 0;
    failed +=
      (vitest.numFailedTests ?? 0) + (vitest.numTotalTestSuites > 0 && vitest.success === false && vitest.numFailedTests === 0 ? 1 : 0);
  }
  const playwright = readJson(join(root, ".test-tmp", "playwright.json"));
  if (playwright?.stats) {
    passed += (playwright.stats.expected ?? 0) + (playwright.stats.flaky ?? 0);
    failed += playwright.stats.unexpected ?? 0;
  }
  return { passed, failed, line: `${passed} passed, ${failed} failed` };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(summarise().line);
