import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMcpUpstream, tool, type McpUpstream } from "../mcp-upstream";
import { startFaultProxy } from "./fault-proxy";
import { seedWorldOverHttp, type AppClient } from "../app-client";
import { adminCli, gateway, proofDatabase, reportFigure, signInClient, startApp, type App, type ProofDatabase } from "./harness";

// The database disappears and comes back while the gateway is under traffic. Runs only on
// PostgreSQL (vitest.config.ts): the embedded database cannot be unplugged from its own process.
let upstream: McpUpstream;
let database: ProofDatabase;
let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
let app: App;
let api: AppClient;
let key: string;

beforeAll(async () => {
  upstream = await startMcpUpstream({
    tools: [
      tool("read_thing", { inputSchema: { type: "object", properties: { n: { type: "integer" } } } }),
      tool("grant_thing", { inputSchema: { type: "object", properties: { n: { type: "integer" } } } }),
    ],
  });
  database = await proofDatabase();
  const direct = new URL(database.url!);
  proxy = await startFaultProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const viaProxy = new URL(database.url!);
  viaProxy.port = String(proxy.port);
  viaProxy.hostname = "127.0.0.1";
  adminCli(
    database,
    ["create-admin", "--email", "faults@msp.test", "--name", "Faults Admin", "--workspace-name", "Faults MSP"],
    "faults password 1",
  );
  app = await startApp({ ...database, env: { ...database.env, DATABASE_URL: viaProxy.toString() } });
  api = (await signInClient(app, "faults@msp.test", "faults password 1")).api;
  const world = await seedWorldOverHttp(api, {
    upstream: { url: upstream.url },
    slug: "dir",
    name: "Dir",
    policies: { read_thing: "auto", grant_thing: "approval_needed" },
    agent: { name: "Faults agent" },
  });
  await api.settings.update.mutate({ maxPendingApprovalsPerAgent: 1_000 });
  key = world.agent.key;
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await proxy?.close();
  await database?.drop();
  await upstream?.close();
});

describe("database faults", () => {
  it("fails closed while the database is unreachable (503 + Retry-After within ~2 s, no upstream request, no stack trace)", async () => {
    for (const mode of ["refuse", "stall"] as const) {
      proxy.setMode(mode);
      proxy.cut();
      const before = upstream.callCount();
      const started = performance.now();
      const response = await gateway(app, key, { integration: "dir", tool: "read_thing", arguments: { n: 1 } });
      const elapsed = performance.now() - started;
      reportFigure(`503 while the database ${mode === "refuse" ? "refuses connections" : "stalls"} (ms)`, elapsed);
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBeTruthy();
      expect(response.body.error?.code).toBe("database_unavailable");
      expect(response.text).not.toMatch(/\n\s+at |node_modules|postgres/i);
      expect(elapsed).toBeLessThan(20_000);
      expect(upstream.callCount()).toBe(before);
    }
    proxy.setMode("pass");
  }, 120_000);

  it("recovers under traffic: 2xx again within seconds, LISTEN re-established, no approved call lost or run twice", async () => {
    const pending: string[] = [];
    for (let n = 100; n < 110; n++) {
      const { status, body } = await gateway(app, key, { integration: "dir", tool: "grant_thing", arguments: { n } });
      expect(status).toBe(202);
      pending.push(body.callId!);
    }
    // ~100 calls a second of mixed traffic across an outage of about three seconds.
    const results: Array<{ at: number; status: number }> = [];
    let stop = false;
    const traffic = (async () => {
      let n = 1_000;
      const inFlight: Array<Promise<void>> = [];
      while (!stop) {
        const id = n++;
        inFlight.push(
          gateway(app, key, { integration: "dir", tool: "read_thing", arguments: { n: id } }).then(
            ({ status }) => void results.push({ at: Date.now(), status }),
          ),
        );
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await Promise.all(inFlight);
    })();
    await new Promise((resolve) => setTimeout(resolve, 500));
    proxy.setMode("refuse");
    proxy.cut();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const restoredAt = Date.now();
    proxy.setMode("pass");
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    stop = true;
    await traffic;
    const firstOk = results.filter((result) => result.at > restoredAt && result.status === 200).sort((a, b) => a.at - b.at)[0];
    reportFigure("calls during the outage test", results.length);
    reportFigure("responses ≥ 500 other than 503", results.filter((result) => result.status >= 500 && result.status !== 503).length);
    reportFigure("recovery: first 2xx after the database returned (ms)", firstOk ? firstOk.at - restoredAt : -1);
    expect(firstOk).toBeDefined();
    expect(firstOk!.at - restoredAt).toBeLessThan(20_000);
    expect(results.filter((result) => result.status >= 500 && result.status !== 503)).toHaveLength(0);

    // LISTEN is back: a waiting agent is woken by the decision, well before the periodic re-check.
    const { items: inbox } = await api.approvals.inbox.query({ limit: 100 });
    const first = inbox.find((item) => item.call.id === pending[0])!;
    const waiting = fetch(`${app.url}/api/gateway/calls/${pending[0]}?wait=30`, { headers: { authorization: `Bearer ${key}` } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const decidedAt = Date.now();
    await api.approvals.decide.mutate({ approvalRequestId: first.id, decision: "approve" });
    const woke = (await (await waiting).json()) as { status: string };
    reportFigure("long-poll woken after the outage (ms)", Date.now() - decidedAt);
    expect(woke.status).not.toBe("pending_approval");
    expect(Date.now() - decidedAt).toBeLessThan(2_500);

    for (const callId of pending.slice(1)) {
      const item = inbox.find((entry) => entry.call.id === callId)!;
      await api.approvals.decide.mutate({ approvalRequestId: item.id, decision: "approve" });
    }
    const deadline = Date.now() + 30_000;
    for (const callId of pending) {
      for (;;) {
        const view = (await (
          await fetch(`${app.url}/api/gateway/calls/${callId}?wait=5`, { headers: { authorization: `Bearer ${key}` } })
        ).json()) as { status: string };
        if (view.status === "succeeded") break;
        if (Date.now() > deadline) throw new Error(`${callId} is ${view.status}`);
      }
    }
    for (let n = 100; n < 110; n++)
      expect(upstream.calls.filter((call) => call.name === "grant_thing" && call.arguments.n === n)).toHaveLength(1);
  }, 180_000);
});
