#!/usr/bin/env node
// Starts the production build for Playwright: one `next start` per browser project, each on a
// fresh temporary embedded database (so the first-run test really sees an empty installation).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildIfStale, nextBin } from "./lib/build.mjs";
import { E2E_SERVERS, E2E_STUBS } from "../e2e/servers.mjs";

buildIfStale();

// Slack and SMTP stand-ins first: the app servers are configured to talk to them.
const stubs = spawn(process.execPath, ["--import", "tsx", "e2e/support/outside-services.ts"], {
  stdio: ["ignore", "pipe", "inherit"],
  env: { ...process.env, E2E_STUB_PORT_BASE: String(E2E_STUBS.port) },
});
await new Promise((resolve, reject) => {
  stubs.stdout.once("data", resolve);
  stubs.once("exit", (code) => reject(new Error(`the e2e stubs exited with ${code}`)));
});

async function waitForHealth(port, child) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server on :${port} exited with ${child.exitCode}`);
    const ok = await fetch(`http://localhost:${port}/api/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`server on :${port} did not become healthy within 120 s`);
}

const children = [];
const dirs = [];
// One after the other: Playwright waits for the last one, so all are up when tests begin.
for (const server of E2E_SERVERS) {
  const dataDir = mkdtempSync(join(tmpdir(), `toolgate-e2e-${server.name}-`));
  dirs.push(dataDir);
  const child = spawn(process.execPath, [nextBin(), "start", "-p", String(server.port)], {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      DATABASE_URL: "",
      PORT: String(server.port),
      TOOLGATE_DATA_DIR: dataDir,
      TOOLGATE_URL: `http://localhost:${server.port}`,
      TOOLGATE_UPSTREAM_ALLOWED_NETWORKS: "127.0.0.0/8,::1/128",
      NEXT_MANUAL_SIG_HANDLE: "true",
      NEXT_TELEMETRY_DISABLED: "1",
      ...server.env,
    },
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream.on("data", (chunk) => {
      if (process.env.E2E_SERVER_LOGS === "1" || /error|toolgate:/i.test(String(chunk))) process.stderr.write(`[${server.name}] ${chunk}`);
    });
  }
  children.push(child);
  await waitForHealth(server.port, child);
}

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  stubs.kill("SIGTERM");
  let open = children.length;
  for (const child of children) {
    child.on("exit", () => {
      if (--open === 0) {
        for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
        process.exit(0);
      }
    });
    child.kill("SIGTERM");
  }
  setTimeout(() => process.exit(0), 10_000).unref();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
for (const child of children)
  child.on("exit", (code) => !stopping && code !== 0 && (console.error(`e2e server exited with ${code}`), stop()));
