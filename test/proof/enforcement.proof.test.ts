import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMcpUpstream, tool, type McpUpstream } from "../mcp-upstream";
import { count, gateway, reportFigure } from "./harness";
import { proofWorld, type ProofWorld } from "./world";

const TOOLS = ["t_read", "t_write", "t_delete", "t_send", "t_sync", "t_list"];
let upstream: McpUpstream;
let world: ProofWorld;
const AGENT_SECRET_HEADER = "x-agent-private";

beforeAll(async () => {
  upstream = await startMcpUpstream({
    tools: TOOLS.map((name) => tool(name, { inputSchema: { type: "object", properties: { n: { type: "integer" } } } })),
    token: "upstream-secret",
  });
  world = await proofWorld(upstream);
}, 180_000);
afterAll(async () => {
  await world?.close();
  await upstream?.close();
});

type Policy = "auto" | "approval_needed" | "disabled";
type AgentSpec = { name: string; scope: { allClients: boolean; clientIds: string[]; mspWide: boolean }; paused: boolean };

describe("enforcement", () => {
  it("decides every (agent, integration, tool, policy) exactly as the policy table says, and calls upstream once per auto decision", async () => {
    const policyArbitrary = fc.record(
      Object.fromEntries(TOOLS.map((name) => [name, fc.constantFrom<Policy>("auto", "approval_needed", "disabled")])) as Record<
        string,
        fc.Arbitrary<Policy>
      >,
    );
    const [policiesA, policiesB] = fc.sample(fc.tuple(policyArbitrary, policyArbitrary), { numRuns: 1, seed: 42 })[0]!;
    await world.setPolicies("dir-a", policiesA);
    await world.setPolicies("dir-b", policiesB);
    const specs: AgentSpec[] = [
      { name: "all", scope: { allClients: true, clientIds: [], mspWide: true }, paused: false },
      { name: "only-a", scope: { allClients: false, clientIds: [world.clients.a], mspWide: false }, paused: false },
      { name: "paused", scope: { allClients: true, clientIds: [], mspWide: true }, paused: true },
    ];
    const agents: Array<AgentSpec & { key: string }> = [];
    for (const spec of specs) {
      const created = await world.createAgent(`prop-${spec.name}`, spec.scope);
      if (spec.paused) await world.api.agents.setPaused.mutate({ agentId: created.agentId, paused: true });
      agents.push({ ...spec, key: created.key });
    }
    const policy = { "dir-a": policiesA, "dir-b": policiesB } as Record<string, Record<string, Policy>>;
    const oracle = (agent: AgentSpec, integration: string, toolName: string): number => {
      if (agent.paused) return 403;
      const known =
        integration in policy && (agent.scope.allClients || (integration === "dir-a" && agent.scope.clientIds.includes(world.clients.a)));
      if (!known || !TOOLS.includes(toolName)) return 404;
      return { auto: 200, approval_needed: 202, disabled: 403 }[policy[integration]![toolName]!];
    };
    const cases = count(200, 10_000);
    const before = upstream.callCount();
    let autoDecisions = 0;
    let mismatches = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat(agents.length - 1),
        fc.constantFrom("dir-a", "dir-b", "dir-c"),
        fc.constantFrom(...TOOLS, "t_missing"),
        async (agentIndex, integration, toolName) => {
          const agent = agents[agentIndex]!;
          const expected = oracle(agent, integration, toolName);
          const { status } = await gateway(world.app, agent.key, { integration, tool: toolName, arguments: { n: 1 } });
          if (expected === 200) autoDecisions++;
          if (status !== expected) mismatches++;
          return status === expected;
        },
      ),
      { numRuns: cases, seed: 7 },
    );
    reportFigure("property cases", cases);
    reportFigure("property mismatches", mismatches);
    expect(upstream.callCount() - before).toBe(autoDecisions);
  }, 1_200_000);

  it("survives fuzzed request bodies: no 5xx, and no upstream request for any invalid envelope", async () => {
    const { key } = await world.createAgent("fuzz");
    await world.setPolicies("dir-a", { t_read: "auto" });
    const valid = { integration: "dir-a", tool: "t_read", arguments: { n: 1 } };
    const lookAlikes = [
      "t_rеad",
      "T_READ",
      "t_read ",
      " t_read",
      "t_read\u200b",
      "t_read\u0000",
      "t%5Fread",
      "dir-a__t_read",
      "../t_read",
      "t_read;drop",
    ];
    const bodyArbitrary = fc.oneof(
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc
        .record({
          integration: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant("dir-a")),
          tool: fc.oneof(fc.string(), fc.constantFrom(...lookAlikes), fc.array(fc.string())),
          arguments: fc.oneof(fc.jsonValue(), fc.constant({ n: "x" })),
        })
        .map((value) => JSON.stringify(value)),
      fc.constantFrom(...lookAlikes).map((name) => JSON.stringify({ ...valid, tool: name })),
      fc.string({ minLength: 0, maxLength: 50 }),
      fc.constant(`{"integration":"dir-a","tool":"t_delete","tool":"t_read","arguments":{"n":1}}`),
      fc.constant(`{"integration":"dir-a","tool":"t\\u005fread","arguments":{"n":1}}`),
      fc.constant(`${"[".repeat(10_000)}${"]".repeat(10_000)}`),
      fc.constant(JSON.stringify({ ...valid, reason: "x".repeat(300_000) })),
      fc.constant(""),
    );
    const sends = count(300, 10_000);
    const before = upstream.callCount();
    let fiveHundreds = 0;
    let succeeded = 0;
    const samples = fc.sample(bodyArbitrary, { numRuns: sends, seed: 11 });
    for (const [index, body] of samples.entries()) {
      const contentType = index % 17 === 0 ? "text/plain" : "application/json";
      const raw =
        index % 23 === 0
          ? Buffer.concat([Buffer.from('{"integration":"dir-a","tool":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')])
          : body;
      const response = await fetch(`${world.app.url}/api/gateway`, {
        method: "POST",
        headers: { "content-type": contentType, authorization: `Bearer ${key}` },
        body: raw,
      });
      const text = await response.text();
      if (response.status >= 500) fiveHundreds++;
      if (response.status === 200) succeeded++;
      expect(text).not.toMatch(/\n\s+at \S+ \(/);
    }
    reportFigure("fuzzed bodies", sends);
    reportFigure("fuzz responses >= 500", fiveHundreds);
    expect(fiveHundreds).toBe(0);
    // The only upstream requests are those of bodies that were valid calls of an auto tool.
    expect(upstream.callCount() - before).toBe(succeeded);
    expect((await fetch(`${world.app.url}/api/health`)).status).toBe(200);
  }, 1_200_000);

  it("a policy switched from auto to disabled mid-flow: every call started after the save commits gets 403 and reaches no upstream", async () => {
    const { key } = await world.createAgent("switch");
    await world.setPolicies("dir-b", { t_list: "auto" });
    const calls: Array<{ n: number; startedAt: number; status: number }> = [];
    let savedAt = Number.POSITIVE_INFINITY;
    const durationMs = 3_000;
    const started = Date.now();
    const switcher = (async () => {
      await new Promise((resolve) => setTimeout(resolve, durationMs / 2));
      await world.setPolicies("dir-b", { t_list: "disabled" });
      savedAt = Date.now();
    })();
    let n = 0;
    const inFlight: Array<Promise<void>> = [];
    // Keep the flow going until well after the save, however long the save takes on a busy machine.
    const startTimes: number[] = [];
    const startedAfterSave = () => startTimes.filter((time) => time > savedAt).length;
    while ((Date.now() - started < durationMs || startedAfterSave() < 20) && Date.now() - started < 60_000) {
      const id = ++n;
      const startedAt = Date.now();
      startTimes.push(startedAt);
      inFlight.push(
        gateway(world.app, key, { integration: "dir-b", tool: "t_list", arguments: { n: id } }).then(
          ({ status }) => void calls.push({ n: id, startedAt, status }),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await Promise.all([switcher, ...inFlight]);
    const after = calls.filter((call) => call.startedAt > savedAt);
    reportFigure("calls during the switch", calls.length);
    reportFigure("calls started after the save", after.length);
    expect(after.length).toBeGreaterThan(5);
    expect(after.every((call) => call.status === 403)).toBe(true);
    const afterIds = new Set(after.map((call) => call.n));
    expect(upstream.calls.filter((call) => call.name === "t_list" && afterIds.has(Number(call.arguments.n)))).toHaveLength(0);
    expect(calls.some((call) => call.startedAt < savedAt && call.status === 200)).toBe(true);
  }, 120_000);

  it("never forwards the agent's key or any header the agent sent to the upstream", async () => {
    const { key } = await world.createAgent("headers");
    await world.setPolicies("dir-a", { t_read: "auto" });
    const before = upstream.requestHeaders.length;
    const response = await fetch(`${world.app.url}/api/gateway`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${key}`,
        [AGENT_SECRET_HEADER]: "agent-only-value",
        cookie: "agent=cookie",
      },
      body: JSON.stringify({ integration: "dir-a", tool: "t_read", arguments: { n: 1 } }),
    });
    expect(response.status).toBe(200);
    const seen = upstream.requestHeaders.slice(before);
    expect(seen.length).toBeGreaterThan(0);
    for (const headers of seen) {
      const text = JSON.stringify(headers);
      expect(text).not.toContain(key);
      expect(text).not.toContain("agent-only-value");
      expect(text).not.toContain("agent=cookie");
      expect(headers.authorization).toBe("Bearer upstream-secret");
    }
  }, 60_000);
});

describe("answers on the wire", () => {
  it("a small gateway answer (REST and MCP) goes uncompressed, though the agent offers gzip; a page is still gzipped", async () => {
    const { key } = await world.createAgent("wire");
    await world.setPolicies("dir-a", { t_read: "auto" });
    const gzipOffered = { "accept-encoding": "gzip, deflate" };
    const rest = await fetch(`${world.app.url}/api/gateway`, {
      method: "POST",
      headers: { ...gzipOffered, "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ integration: "dir-a", tool: "t_read", arguments: { n: 1 } }),
    });
    const mcp = await fetch(`${world.app.url}/api/mcp`, {
      method: "POST",
      headers: {
        ...gzipOffered,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2025-11-25",
        authorization: `Bearer ${key}`,
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "dir-a__t_read", arguments: { n: 1 } } }),
    });
    const refused = await fetch(`${world.app.url}/api/gateway`, { method: "POST", headers: gzipOffered, body: "{}" });
    for (const [response, status] of [
      [rest, 200],
      [mcp, 200],
      [refused, 401],
    ] as const) {
      expect(response.status).toBe(status);
      expect(response.headers.get("content-encoding")).toBeNull();
      expect((await response.arrayBuffer()).byteLength).toBeLessThan(1024);
    }
    const page = await fetch(`${world.app.url}/login`, { headers: gzipOffered });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-encoding")).toBe("gzip");
  }, 60_000);
});
