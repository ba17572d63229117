import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { appClient, signIn as signInAt, type AppClient } from "../app-client";
import { closedPort } from "../ports";
import { postgresTemplateName, withDatabase } from "../template";

/** Proof tests run with small counts by default and the full counts with PROOF_FULL=1. */
export const FULL = process.env.PROOF_FULL === "1";
export const count = (small: number, full: number) => (FULL ? full : small);
export const onPostgres = () => Boolean(process.env.TEST_DATABASE_URL);

const root = process.cwd();
const nextBin = join(root, "node_modules", "next", "dist", "bin", "next");

/** A database for the apps under test: a fresh clone of the migrated template, or a PGlite directory. */
export type ProofDatabase = { env: Record<string, string>; url: string | null; drop(): Promise<void> };

export async function proofDatabase(): Promise<ProofDatabase> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    const dir = mkdtempSync(join(tmpdir(), "toolgate-proof-"));
    return {
      env: { DATABASE_URL: "", TOOLGATE_DATA_DIR: dir },
      url: null,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `toolgate_proof_${randomBytes(5).toString("hex")}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}" template "${postgresTemplateName()}"`);
  await admin.end();
  const url = withDatabase(base, name);
  const dataDir = mkdtempSync(join(tmpdir(), "toolgate-proof-"));
  return {
    url,
    env: {
      DATABASE_URL: url,
      TOOLGATE_DATA_DIR: dataDir,
      AUTH_SECRET: randomBytes(32).toString("base64"),
      TOOLGATE_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      TOOLGATE_AUDIT_KEY: randomBytes(32).toString("base64"),
    },
    async drop() {
      const cleanup = postgres(base, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `npm run admin -- …` against the proof database; returns standard output. */
export function adminCli(database: ProofDatabase, args: string[], input = ""): string {
  const result = spawnSync(process.execPath, ["--import", "tsx", join(root, "scripts", "admin.ts"), ...args], {
    env: { ...process.env, ...database.env },
    input,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`admin ${args[0]} failed: ${result.stderr}`);
  return result.stdout.trim();
}

export type App = {
  url: string;
  port: number;
  logs: string[];
  child: ChildProcess;
  /** SIGTERM (a clean stop) or SIGKILL (a crash); resolves when the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
};

/** A production server (`next start` on the existing build) for the proof database. */
export async function startApp(database: ProofDatabase, env: Record<string, string> = {}, port?: number): Promise<App> {
  const chosen = port ?? (await closedPort());
  const logs: string[] = [];
  const child = spawn(process.execPath, [nextBin, "start", "-p", String(chosen)], {
    env: {
      ...process.env,
      ...database.env,
      PORT: String(chosen),
      TOOLGATE_URL: `http://127.0.0.1:${chosen}`,
      TOOLGATE_UPSTREAM_ALLOWED_NETWORKS: "127.0.0.0/8,::1/128",
      TOOLGATE_LOG_REQUESTS: "off",
      NEXT_MANUAL_SIG_HANDLE: "true",
      NEXT_TELEMETRY_DISABLED: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk) => logs.push(String(chunk)));
  child.stderr!.on("data", (chunk) => logs.push(String(chunk)));
  const url = `http://127.0.0.1:${chosen}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}: ${logs.join("").slice(-2_000)}`);
    if (
      await fetch(`${url}/api/health`).then(
        (response) => response.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) throw new Error(`the app did not become healthy: ${logs.join("").slice(-2_000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    port: chosen,
    logs,
    child,
    stop: (signal = "SIGTERM") =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      }),
  };
}

/** An admin's signed-in session over HTTP (next-auth credentials endpoint). */
export function signIn(app: App, email: string, password: string): Promise<string> {
  return signInAt(app.url, email, password);
}

/** A signed-in user's typed tRPC client of `app`, and the session cookie it carries. */
export async function signInClient(app: App, email: string, password: string): Promise<{ cookie: string; api: AppClient }> {
  const cookie = await signIn(app, email, password);
  return { cookie, api: appClient(app.url, cookie) };
}

export async function gateway(app: App, key: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${app.url}/api/gateway`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  return {
    status: response.status,
    body: parsed as { callId?: string; status?: string; error?: { code: string; message: string } } & Record<string, unknown>,
    headers: response.headers,
    text,
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** Figures measured by a proof test: printed, and written where the run's note can quote them. */
export function reportFigure(name: string, value: unknown): void {
  process.stdout.write(`proof: ${name} = ${typeof value === "number" ? Math.round(value * 100) / 100 : JSON.stringify(value)}\n`);
}
