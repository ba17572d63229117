import { existsSync } from "node:fs";
import { chromium, defineConfig, devices } from "@playwright/test";
import { E2E_SERVERS } from "./e2e/servers.mjs";

/**
 * Finds a Chromium: PLAYWRIGHT_CHROMIUM_EXECUTABLE, else Playwright's own download, else the
 * system's (Debian's `chromium`). Playwright's own download does not work on every machine.
 */
function chromiumExecutable(): string {
  const candidates = [process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE, safeBundledPath(), "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  const found = candidates.find((path): path is string => !!path && existsSync(path));
  if (!found) {
    throw new Error(
      "No Chromium found: install one with `sudo apt-get install -y chromium` (or `npx playwright install chromium`), or set PLAYWRIGHT_CHROMIUM_EXECUTABLE.",
    );
  }
  return found;
}

function safeBundledPath(): string | undefined {
  try {
    return chromium.executablePath();
  } catch {
    return undefined;
  }
}

const launchOptions = {
  executablePath: chromiumExecutable(),
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};

const [desktop, mobile] = E2E_SERVERS;
const url = (port: number) => `http://localhost:${port}`;

export default defineConfig({
  testDir: "e2e",
  forbidOnly: true,
  fullyParallel: false,
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: ".test-tmp/playwright.json" }]],
  use: { trace: "retain-on-failure", screenshot: "only-on-failure", launchOptions },
  projects: [
    // The first-run test needs an empty installation, so it runs before everything else on each server.
    { name: "desktop-first-run", testMatch: /first-run\.spec\.ts/, use: { ...devices["Desktop Chrome"], baseURL: url(desktop!.port) } },
    {
      name: "mobile-first-run",
      testMatch: /first-run\.spec\.ts/,
      use: { ...devices["iPhone 13"], browserName: "chromium", baseURL: url(mobile!.port) },
    },
    // Needs a workspace where no approval channel is set up yet (it says "reaches nobody"), so it runs
    // before the desktop specs that connect Slack to the same workspace.
    {
      name: "desktop-no-channels",
      testMatch: /approvals\/reach\.desktop\.spec\.ts/,
      dependencies: ["desktop-first-run"],
      use: { ...devices["Desktop Chrome"], baseURL: url(desktop!.port) },
    },
    {
      name: "desktop",
      testIgnore: [/first-run\.spec\.ts/, /\.mobile\.spec\.ts/, /approvals\/reach\.desktop\.spec\.ts/],
      dependencies: ["desktop-no-channels"],
      use: { ...devices["Desktop Chrome"], baseURL: url(desktop!.port) },
    },
    {
      name: "mobile",
      testIgnore: [/first-run\.spec\.ts/, /\.desktop\.spec\.ts/],
      dependencies: ["mobile-first-run"],
      use: { ...devices["iPhone 13"], browserName: "chromium", baseURL: url(mobile!.port) },
    },
  ],
  webServer: {
    command: "node scripts/e2e-servers.mjs",
    url: `${url(mobile!.port)}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
  },
});
