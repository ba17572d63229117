// `npm run bench`: measures, side by side in one run, against a production build:
//   B0      the upstream MCP server called directly
//   P0      a plain Node.js MCP forwarding proxy (official SDK, no auth, policy or database)
//   B1      a forward-only route in the same Next.js app (no auth, policy or database): the floor
//   B1R     B1 after one database round trip (`select 1` on the app's pool; sequential phase): the
//           floor of any gateway that reads fresh state for each call, as no decision may be cached
//   G       an enforced `auto` call through /api/gateway (key, policy, audit, forward)
//   M       the same call through /api/mcp
//   G_deny  a `disabled` call (must make 0 upstream requests)
// in two phases, each interleaved in rounds (B0 P0 B1 G M G_deny, …): sequential (one client, one
// call at a time — what an agent feels; B0, P0 and M through the official MCP SDK client with a
// persistent session) and concurrent (autocannon at 10 and 50 connections). Prints the median of
// the per-round figures and ratios and writes bench/results.json. Also measures the integration
// detail page with 1,000 tools (server render), a save of 1,000 changed policies, and the sequential
// phase again after adding 2,000 tools in 50 integrations across 50 workspaces (the scale case).
// On the embedded database by default; on PostgreSQL when DATABASE_URL is set (a scratch database
// is created on that server and dropped afterwards). BENCH_SHORT=1 runs a quick version.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import autocannon from "autocannon";
import postgres from "postgres";
import { buildIfStale, nextBin } from "../scripts/lib/build.mjs";
import { appClient, connectOverHttp, seedWorldOverHttp, signIn } from "../test/app-client";

const short = process.env.BENCH_SHORT === "1";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (short ? 3 : 5));
const DURATION = Number(process.env.BENCH_DURATION ?? (short ? 2 : 5));
const CONNECTIONS = short ? [10] : [10, 50];
const SEQUENTIAL_CALLS = Number(process.env.BENCH_SEQUENTIAL_CALLS ?? (short ? 100 : 200));
const APP_PORT = Number(process.env.BENCH_PORT ?? 3400);
const APP = `http://127.0.0.1:${APP_PORT}`;
const root = process.cwd();

type Sample = { rps: number; p50: number; p99: number; non2xx: number; errors: number; requests: number };

function log(message: string) {
  process.stderr.write(`bench: ${message}\n`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function startProcess(command: string, args: string[], env: Record<string, string>, label: string): ChildProcess {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  child.stderr?.on("data", (chunk) => {
    if (/error|toolgate:/i.test(String(chunk))) process.stderr.write(`[${label}] ${chunk}`);
  });
  return child;
}

async function waitFor(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      await fetch(url).then(
        (response) => response.ok,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

function run(options: { url: string; connections: number; body: string; headers: Record<string, string> }): Promise<Sample> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: options.url,
        method: "POST",
        connections: options.connections,
        duration: DURATION,
        body: options.body,
        headers: options.headers,
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          rps: result.requests.average,
          p50: result.latency.p50,
          p99: result.latency.p99,
          non2xx: result.non2xx,
          errors: result.errors,
          requests: result.requests.total,
        });
      },
    );
  });
}

async function upstreamCounts(url: string): Promise<Record<string, number>> {
  return (await (await fetch(`${url}/stats`)).json()) as Record<string, number>;
}

/** Waits until requests still in flight from the previous phase have reached the upstream. */
async function settledUpstreamCounts(url: string): Promise<Record<string, number>> {
  let previous = JSON.stringify(await upstreamCounts(url));
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const current = await upstreamCounts(url);
    if (JSON.stringify(current) === previous) return current;
    previous = JSON.stringify(current);
  }
}

async function timeSequential(count: number, action: () => Promise<void>): Promise<{ p50: number; p95: number; samples: number[] }> {
  const samples: number[] = [];
  for (let index = 0; index < count; index++) {
    const started = performance.now();
    await action();
    samples.push(performance.now() - started);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: median(samples), p95: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!, samples };
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

/** An official MCP SDK client with one persistent connection (what an agent keeps open). */
async function mcpClient(url: string, key?: string): Promise<Client> {
  const client = new Client({ name: "bench", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), key ? { requestInit: { headers: { authorization: `Bearer ${key}` } } } : {}),
  );
  return client;
}

type RestTarget = { url: string; headers: Record<string, string>; body: string; expect: number };
type SequentialTarget = "B0" | "P0" | "B1" | "B1R" | "G" | "M" | "G_deny";

/**
 * One client, one call at a time, interleaved in rounds (every target once per round): per target,
 * the median over rounds of each round's p50 and p99. B0, P0 and M go through the SDK client.
 */
async function measureSequential(options: {
  rounds: number;
  calls: number;
  mcp: Record<"B0" | "P0" | "M", Client>;
  rest: Record<"B1" | "B1R" | "G" | "G_deny", RestTarget>;
}) {
  const callOnce: Record<SequentialTarget, () => Promise<void>> = {
    B0: async () => void (await options.mcp.B0.callTool({ name: "bench_get", arguments: { id: 7 } })),
    P0: async () => void (await options.mcp.P0.callTool({ name: "bench_get", arguments: { id: 7 } })),
    M: async () => {
      const result = await options.mcp.M.callTool({ name: "bench__bench_get", arguments: { id: 7 } });
      if (result.isError) throw new Error(`M answered an error: ${JSON.stringify(result.content).slice(0, 200)}`);
    },
    B1: () => restOnce(options.rest.B1),
    B1R: () => restOnce(options.rest.B1R),
    G: () => restOnce(options.rest.G),
    G_deny: () => restOnce(options.rest.G_deny),
  };
  const targets = Object.keys(callOnce) as SequentialTarget[];
  const perRound: Array<Record<SequentialTarget, { p50: number; p99: number }>> = [];
  for (let round = 0; round < options.rounds; round++) {
    const figures = {} as Record<SequentialTarget, { p50: number; p99: number }>;
    for (const target of targets) {
      const samples: number[] = [];
      for (let index = 0; index < options.calls; index++) {
        const started = performance.now();
        await callOnce[target]();
        samples.push(performance.now() - started);
      }
      figures[target] = { p50: median(samples), p99: percentile(samples, 0.99) };
    }
    perRound.push(figures);
    log(
      `sequential round ${round + 1}/${options.rounds}: ` +
        targets.map((target) => `${target} p50 ${figures[target].p50.toFixed(2)} ms`).join(" · "),
    );
  }
  const over = (fn: (round: Record<SequentialTarget, { p50: number; p99: number }>) => number) => median(perRound.map(fn));
  const byTarget = (fn: (figure: { p50: number; p99: number }) => number) =>
    Object.fromEntries(targets.map((target) => [target, over((round) => fn(round[target]))]));
  return {
    calls: options.calls,
    p50Ms: byTarget((figure) => figure.p50),
    p99Ms: byTarget((figure) => figure.p99),
    addedP50OverB0Ms: Object.fromEntries(targets.map((target) => [target, over((round) => round[target].p50 - round.B0.p50)])),
    addedP99OverB0Ms: Object.fromEntries(targets.map((target) => [target, over((round) => round[target].p99 - round.B0.p99)])),
    addedP50OverB1Ms: { G: over((round) => round.G.p50 - round.B1.p50), M: over((round) => round.M.p50 - round.B1.p50) },
    p99OverB1: { G: over((round) => round.G.p99 / round.B1.p99), M: over((round) => round.M.p99 / round.B1.p99) },
    frameworkCostP50Ms: over((round) => round.B1.p50 - round.P0.p50),
    /** What one database round trip adds in the app's process: the part of G's and M's cost no fresh decision can avoid. */
    freshReadFloorMs: over((round) => round.B1R.p50 - round.B1.p50),
    addedP50OverB1RMs: { G: over((round) => round.G.p50 - round.B1R.p50), M: over((round) => round.M.p50 - round.B1R.p50) },
  };
}

async function restOnce(target: RestTarget): Promise<void> {
  const response = await fetch(target.url, { method: "POST", headers: target.headers, body: target.body });
  await response.arrayBuffer();
  if (response.status !== target.expect) throw new Error(`${target.url} answered ${response.status}, expected ${target.expect}`);
}

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), "toolgate-bench-"));
  let scratchDb: { admin: string; name: string } | null = null;
  const cleanup = async () => {
    for (const child of children) child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    rmSync(dataDir, { recursive: true, force: true });
    if (scratchDb) {
      const sql = postgres(scratchDb.admin, { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop database if exists "${scratchDb.name}" with (force)`).catch(() => {});
      await sql.end();
    }
  };
  process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));

  try {
    const env: Record<string, string> = {
      TOOLGATE_DATA_DIR: dataDir,
      TOOLGATE_BENCH: "1",
      TOOLGATE_LOG_REQUESTS: "off",
      TOOLGATE_UPSTREAM_ALLOWED_NETWORKS: "127.0.0.0/8,::1/128",
      PORT: String(APP_PORT),
      TOOLGATE_URL: APP,
      NEXT_TELEMETRY_DISABLED: "1",
      NEXT_MANUAL_SIG_HANDLE: "true",
    };
    let driver = "pglite";
    if (process.env.DATABASE_URL) {
      driver = "postgres";
      const name = `toolgate_bench_${randomBytes(4).toString("hex")}`;
      const sql = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
      await sql.unsafe(`create database "${name}"`);
      await sql.end();
      scratchDb = { admin: process.env.DATABASE_URL, name };
      const url = new URL(process.env.DATABASE_URL);
      url.pathname = `/${name}`;
      Object.assign(env, {
        DATABASE_URL: url.toString(),
        AUTH_SECRET: randomBytes(32).toString("base64"),
        TOOLGATE_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
        TOOLGATE_AUDIT_KEY: randomBytes(32).toString("base64"),
      });
    } else {
      env.DATABASE_URL = "";
    }

    log("building (when stale)…");
    buildIfStale();

    log("starting the upstream…");
    const upstream = startProcess(process.execPath, ["--import", "tsx", join(root, "bench", "upstream.ts")], {}, "upstream");
    children.push(upstream);
    const upstreamUrl = await new Promise<string>((resolve, reject) => {
      upstream.stdout!.once("data", (chunk) => resolve((JSON.parse(String(chunk).split("\n")[0]!) as { url: string }).url));
      upstream.once("exit", (code) => reject(new Error(`upstream exited with ${code}`)));
    });

    log("starting the plain MCP proxy (P0)…");
    const proxy = startProcess(
      process.execPath,
      ["--import", "tsx", join(root, "bench", "proxy.ts")],
      { BENCH_PROXY_UPSTREAM: `${upstreamUrl}/mcp` },
      "proxy",
    );
    children.push(proxy);
    const proxyUrl = await new Promise<string>((resolve, reject) => {
      proxy.stdout!.once("data", (chunk) => resolve((JSON.parse(String(chunk).split("\n")[0]!) as { url: string }).url));
      proxy.once("exit", (code) => reject(new Error(`proxy exited with ${code}`)));
    });

    log(`setting up (${driver})…`);
    const admin = { email: "bench@toolgate.test", password: "bench password 123" };
    const tsx = (args: string[], input?: string) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", join(root, "scripts", "admin.ts"), ...args], {
          env: { ...process.env, ...env },
          stdio: ["pipe", "pipe", "pipe"],
        });
        let out = "";
        child.stdout.on("data", (chunk) => (out += chunk));
        child.stderr.on("data", (chunk) => (out += chunk));
        child.stdin.end(input ?? "");
        child.on("exit", (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(out))));
      });
    await tsx(["create-admin", "--email", admin.email, "--name", "Bench Admin", "--workspace-name", "Bench MSP"], admin.password);

    log("starting next start…");
    // BENCH_PROFILE_DIR: the app writes a V8 CPU profile there when it stops (bench/profile-summary.ts reads it).
    const profile = process.env.BENCH_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
    const app = startProcess(
      process.execPath,
      [...profile, nextBin(), "start", "-p", String(APP_PORT)],
      { ...env, TOOLGATE_BENCH_UPSTREAM: `${upstreamUrl}/mcp` },
      "app",
    );
    children.push(app);
    await waitFor(`${APP}/api/health`);
    const cookie = await signIn(APP, admin.email, admin.password);
    const api = appClient(APP, cookie);
    const {
      agent: { key: agentKey },
    } = await seedWorldOverHttp(api, {
      upstream: { url: `${upstreamUrl}/mcp` },
      slug: "bench",
      name: "Bench",
      policies: { bench_get: "auto", bench_delete: "disabled" },
      agent: { name: "Bench agent" },
    });

    const json = { "content-type": "application/json" };
    const mcpHeaders = { ...json, accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25" };
    const toolCall = (name: string) =>
      JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: { id: 7 } } });
    const targets = {
      B0: { url: `${upstreamUrl}/mcp`, headers: mcpHeaders, body: toolCall("bench_get") },
      P0: { url: `${proxyUrl}/mcp`, headers: mcpHeaders, body: toolCall("bench_get") },
      B1: { url: `${APP}/api/bench/forward`, headers: json, body: JSON.stringify({ tool: "bench_get", arguments: { id: 7 } }) },
      G: {
        url: `${APP}/api/gateway`,
        headers: { ...json, authorization: `Bearer ${agentKey}` },
        body: JSON.stringify({ integration: "bench", tool: "bench_get", arguments: { id: 7 } }),
      },
      M: { url: `${APP}/api/mcp`, headers: { ...mcpHeaders, authorization: `Bearer ${agentKey}` }, body: toolCall("bench__bench_get") },
      G_deny: {
        url: `${APP}/api/gateway`,
        headers: { ...json, authorization: `Bearer ${agentKey}` },
        body: JSON.stringify({ integration: "bench", tool: "bench_delete", arguments: { id: 7 } }),
      },
    } as const;
    type Target = keyof typeof targets;

    log("warming up…");
    for (const target of Object.keys(targets) as Target[]) await run({ ...targets[target], connections: 10 });

    log(`sequential phase: one client, ${SEQUENTIAL_CALLS} calls per target per round…`);
    // Fresh SDK clients (one persistent session each) for every sequential phase.
    const sequentialTargets = async () => ({
      mcp: {
        B0: await mcpClient(`${upstreamUrl}/mcp`),
        P0: await mcpClient(`${proxyUrl}/mcp`),
        M: await mcpClient(`${APP}/api/mcp`, agentKey),
      },
      rest: {
        B1: { url: targets.B1.url, headers: targets.B1.headers, body: targets.B1.body, expect: 200 },
        B1R: { url: `${targets.B1.url}?read=1`, headers: targets.B1.headers, body: targets.B1.body, expect: 200 },
        G: { url: targets.G.url, headers: targets.G.headers, body: targets.G.body, expect: 200 },
        G_deny: { url: targets.G_deny.url, headers: targets.G_deny.headers, body: targets.G_deny.body, expect: 403 },
      },
    });
    const sequential = await measureSequential({ rounds: ROUNDS, calls: SEQUENTIAL_CALLS, ...(await sequentialTargets()) });
    await fetch(`${APP}/api/bench/stats?reset=1`);

    const results: Record<string, unknown> = {};
    for (const connections of CONNECTIONS) {
      const rounds: Array<Record<Target, Sample>> = [];
      let denyUpstreamRequests = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const samples = {} as Record<Target, Sample>;
        for (const target of Object.keys(targets) as Target[]) {
          const before = target === "G_deny" ? await settledUpstreamCounts(upstreamUrl) : null;
          samples[target] = await run({ ...targets[target], connections });
          if (before) {
            const after = await settledUpstreamCounts(upstreamUrl);
            denyUpstreamRequests += Object.keys(after).reduce((sum, name) => sum + (after[name]! - (before[name] ?? 0)), 0);
          }
          const unexpected = target === "G_deny" ? samples[target].requests - samples[target].non2xx : samples[target].non2xx;
          if (unexpected > 0 || samples[target].errors > 0)
            log(`warning: ${target} had ${unexpected} unexpected statuses and ${samples[target].errors} errors`);
        }
        rounds.push(samples);
        log(
          `c=${connections} round ${round + 1}/${ROUNDS}: ` +
            (Object.keys(samples) as Target[])
              .map((target) => `${target} ${samples[target].rps.toFixed(0)} rps p50 ${samples[target].p50} ms`)
              .join(" · "),
        );
      }
      const perRound = (fn: (samples: Record<Target, Sample>) => number) => median(rounds.map(fn));
      results[`c${connections}`] = {
        throughput: Object.fromEntries(
          (Object.keys(targets) as Target[]).map((target) => [target, perRound((samples) => samples[target].rps)]),
        ),
        p50Ms: Object.fromEntries((Object.keys(targets) as Target[]).map((target) => [target, perRound((samples) => samples[target].p50)])),
        p99Ms: Object.fromEntries((Object.keys(targets) as Target[]).map((target) => [target, perRound((samples) => samples[target].p99)])),
        ratios: {
          throughputGoverB1: perRound((samples) => samples.G.rps / samples.B1.rps),
          throughputMoverB1: perRound((samples) => samples.M.rps / samples.B1.rps),
          throughputGoverP0: perRound((samples) => samples.G.rps / samples.P0.rps),
          throughputMoverP0: perRound((samples) => samples.M.rps / samples.P0.rps),
          throughputB1overP0: perRound((samples) => samples.B1.rps / samples.P0.rps),
          p50GminusB1Ms: perRound((samples) => samples.G.p50 - samples.B1.p50),
          p50GminusB0Ms: perRound((samples) => samples.G.p50 - samples.B0.p50),
          p99GoverB1: perRound((samples) => samples.G.p99 / samples.B1.p99),
          p99GdenyOverB1: perRound((samples) => samples.G_deny.p99 / samples.B1.p99),
        },
        gDenyP99Ms: perRound((samples) => samples.G_deny.p99),
        upstreamRequestsDuringGDeny: denyUpstreamRequests,
      };
    }
    const processStats = (await (await fetch(`${APP}/api/bench/stats`)).json()) as { eventLoopDelayP99Ms: number; peakRssMb: number };

    log("detail page with 1,000 tools…");
    const large = await connectOverHttp(api, { upstream: { url: `${upstreamUrl}/mcp-large` }, slug: "large", name: "Large" });
    const pageUrl = `${APP}/settings/integrations/${large.id}`;
    await fetch(pageUrl, { headers: { cookie } });
    const render = await timeSequential(short ? 5 : 20, async () => {
      const response = await fetch(pageUrl, { headers: { cookie } });
      const html = await response.text();
      if (!response.ok || !html.includes("send_item_999"))
        throw new Error(`the detail page did not render its 1,000 tools (${response.status})`);
    });
    let revision = (await api.integrations.get.query({ integrationId: large.id })).revision;
    let flip = false;
    const save = await timeSequential(short ? 3 : 10, async () => {
      flip = !flip;
      const result = await api.policies.save.mutate({
        integrationId: large.id,
        revision,
        changes: large.tools.map((tool) => ({ toolId: tool.id, policy: flip ? "disabled" : "approval_needed", managerApproval: false })),
      });
      if (result.applied !== 1_000) throw new Error(`expected 1,000 applied changes, got ${result.applied}`);
      revision = result.revision;
    });

    // The scale case: 2,000 more tools in 50 integrations across 50 workspaces (and by now the
    // benched workspace also holds the 1,000-tool integration): the same sequential calls again.
    log("scale case: seeding 2,000 tools across 50 integrations and 50 workspaces…");
    const seeded = (await (await fetch(`${APP}/api/bench/seed-scale?integration=bench`, { method: "POST" })).json()) as {
      workspaces: number;
      integrations: number;
      tools: number;
    };
    const scaled = await measureSequential({ rounds: ROUNDS, calls: SEQUENTIAL_CALLS, ...(await sequentialTargets()) });
    const scale = {
      seeded,
      sequential: scaled,
      p50ScaleOverSmall: {
        G: scaled.p50Ms.G! / sequential.p50Ms.G!,
        M: scaled.p50Ms.M! / sequential.p50Ms.M!,
        B1: scaled.p50Ms.B1! / sequential.p50Ms.B1!,
      },
    };

    const output = {
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? "unknown",
        memoryGb: Math.round(totalmem() / 1e9),
        node: process.version,
      },
      driver,
      mode: short ? "short" : "full",
      rounds: ROUNDS,
      durationSeconds: DURATION,
      sequential,
      scale,
      gateway: results,
      process: { eventLoopDelayP99Ms: processStats.eventLoopDelayP99Ms, peakRssMb: processStats.peakRssMb },
      detailPage: { tools: 1_000, renderP50Ms: render.p50, renderP95Ms: render.p95, save1000P50Ms: save.p50, save1000P95Ms: save.p95 },
    };
    const file = process.env.BENCH_OUTPUT ?? join(root, "bench", "results.json");
    writeFileSync(file, JSON.stringify(output, null, 2) + "\n");
    printSummary(output);
    log(`wrote ${file}`);
  } finally {
    await cleanup();
  }
}

function printSummary(output: {
  driver: string;
  sequential: Awaited<ReturnType<typeof measureSequential>>;
  scale: {
    seeded: { workspaces: number; integrations: number; tools: number };
    sequential: Awaited<ReturnType<typeof measureSequential>>;
    p50ScaleOverSmall: Record<"G" | "M" | "B1", number>;
  };
  gateway: Record<string, unknown>;
  process: Record<string, number>;
  detailPage: Record<string, number>;
}) {
  const lines = [`\nToolgate bench (${output.driver}) — medians of per-round figures`];
  const seq = output.sequential;
  lines.push(`  sequential (one client, ${seq.calls} calls a round): p50 / p99 ms, and added p50 over B0`);
  for (const target of Object.keys(seq.p50Ms))
    lines.push(
      `    ${target.padEnd(6)} ${seq.p50Ms[target]!.toFixed(2).padStart(7)} / ${seq.p99Ms[target]!.toFixed(2).padStart(7)}   +${seq.addedP50OverB0Ms[target]!.toFixed(2)}`,
    );
  lines.push(
    `    added p50 over B1 (the framework's floor): G +${seq.addedP50OverB1Ms.G.toFixed(2)} ms (target ≤ 1.0) · M +${seq.addedP50OverB1Ms.M.toFixed(2)} ms (≤ 1.5); p99 over B1: G ${seq.p99OverB1.G.toFixed(2)}× · M ${seq.p99OverB1.M.toFixed(2)}× (≤ 1.5×); framework cost B1 − P0 ${seq.frameworkCostP50Ms.toFixed(2)} ms`,
    `    one database round trip in the app (B1R − B1) ${seq.freshReadFloorMs.toFixed(2)} ms; added p50 over B1R (beyond the one fresh read no decision can skip): G +${seq.addedP50OverB1RMs.G.toFixed(2)} ms · M +${seq.addedP50OverB1RMs.M.toFixed(2)} ms`,
  );
  const scale = output.scale;
  lines.push(
    `  scale case (+${scale.seeded.tools.toLocaleString("en")} tools, ${scale.seeded.integrations} integrations, ${scale.seeded.workspaces} workspaces): p50 G ${scale.sequential.p50Ms.G!.toFixed(2)} ms (${scale.p50ScaleOverSmall.G.toFixed(2)}× the small case) · M ${scale.sequential.p50Ms.M!.toFixed(2)} ms (${scale.p50ScaleOverSmall.M.toFixed(2)}×) · B1 ${scale.p50ScaleOverSmall.B1.toFixed(2)}× (target: G and M within 1.10×); added over B1: G +${scale.sequential.addedP50OverB1Ms.G.toFixed(2)} ms · M +${scale.sequential.addedP50OverB1Ms.M.toFixed(2)} ms`,
  );
  for (const [key, value] of Object.entries(output.gateway)) {
    const figures = value as {
      ratios: Record<string, number>;
      throughput: Record<string, number>;
      p50Ms: Record<string, number>;
      gDenyP99Ms: number;
      p99Ms: Record<string, number>;
      upstreamRequestsDuringGDeny: number;
    };
    lines.push(
      `  ${key.replace("c", "")} connections: throughput ${Object.entries(figures.throughput)
        .map(([target, rps]) => `${target} ${rps.toFixed(0)}`)
        .join(" · ")} req/s`,
      `    G÷B1 ${figures.ratios.throughputGoverB1!.toFixed(2)} (target ≥ 0.90) · M÷B1 ${figures.ratios.throughputMoverB1!.toFixed(2)} (≥ 0.80) · G÷P0 ${figures.ratios.throughputGoverP0!.toFixed(2)} · M÷P0 ${figures.ratios.throughputMoverP0!.toFixed(2)} · B1÷P0 ${figures.ratios.throughputB1overP0!.toFixed(2)}`,
      `    p50(G)−p50(B1) ${figures.ratios.p50GminusB1Ms!.toFixed(2)} ms · p50(G)−p50(B0) ${figures.ratios.p50GminusB0Ms!.toFixed(2)} ms (queueing at this concurrency)`,
      `    p99 G÷B1 ${figures.ratios.p99GoverB1!.toFixed(2)} · G_deny p99 ${figures.gDenyP99Ms} ms vs B1 p99 ${figures.p99Ms.B1} ms · upstream requests during G_deny: ${figures.upstreamRequestsDuringGDeny}`,
    );
  }
  lines.push(
    `  app process: event-loop delay p99 ${output.process.eventLoopDelayP99Ms!.toFixed(1)} ms · peak RSS ${output.process.peakRssMb!.toFixed(0)} MB`,
    `  detail page, 1,000 tools: server render p50 ${output.detailPage.renderP50Ms!.toFixed(0)} ms (p95 ${output.detailPage.renderP95Ms!.toFixed(0)}) · save of 1,000 changes p50 ${output.detailPage.save1000P50Ms!.toFixed(0)} ms (p95 ${output.detailPage.save1000P95Ms!.toFixed(0)}) — target < 300 ms`,
  );
  console.log(lines.join("\n"));
}

await main();
