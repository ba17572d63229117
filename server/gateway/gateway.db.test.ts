import { and, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { auditEvents, toolCalls, workspaces } from "@/db/schema";
import { cancel, getCall, getTools, POST } from "@/test/gateway-routes";
import { DELETE as unknownPathDelete, GET as unknownPathGet, POST as unknownPathPost } from "@/app/api/gateway/[...path]/route";
import { setupTestDatabase } from "@/test/database";
import { uniqueSuffix } from "@/test/fixtures";
import { seedWorld } from "@/test/world";
import { agentGet, createTestAgent, gatewayRequest } from "@/test/gateway";
import { tool } from "@/test/mcp-upstream";
import { setupMcpUpstream } from "@/test/world";
import { revokeAgentKey, setAllAgentsPaused } from "../agents/manage-agents";
import { createClient } from "../clients/clients";
import { addPerson } from "../directory/people";
import { forgetEnv } from "../env";
import { setIntegrationStatus } from "../integrations/manage";
import { updateWorkspaceSettings } from "../workspaces/settings";
import { agentKeys } from "@/db/schema";

const database = setupTestDatabase();

/** The gateway's response bodies, loosely: each test reads the fields its case has. */
type GatewayBody = {
  callId: string;
  status: string;
  result: unknown;
  approvals: Array<{ kind: string; status: string }>;
  statusUrl: string;
  expiresAt: string;
  error: { code: string; message: string; details: { errors: unknown[] } };
};
const TOOLS = [
  tool("get_user", {
    inputSchema: {
      type: "object",
      properties: { email: { type: "string", format: "email" } },
      required: ["email"],
      additionalProperties: false,
    },
  }),
  tool("list_users", { inputSchema: { type: "object", properties: {} } }),
  tool("delete_user", { inputSchema: { type: "object", properties: { email: { type: "string" } }, required: ["email"] } }),
  tool("reset_password", { inputSchema: { type: "object", properties: { email: { type: "string" } }, required: ["email"] } }),
  tool("flaky", { inputSchema: { type: "object" } }),
];

const upstream = setupMcpUpstream(TOOLS, { token: "upstream-token" });

/** A workspace with one client's MCP integration, an admin and an agent allowed everywhere. */
async function world() {
  const seeded = await seedWorld(database().db, { upstream: { url: upstream.url, authHeaderValue: "Bearer upstream-token" } });
  const { agent, slug } = seeded;
  const call = async (
    toolName: string,
    args: Record<string, unknown> = {},
    extra: Record<string, unknown> = {},
    headers: Record<string, string> = {},
    key = agent.key,
  ) => {
    const response = await POST(gatewayRequest(key, { integration: slug, tool: toolName, arguments: args, ...extra }, headers));
    return { status: response.status, body: (await response.json()) as GatewayBody, headers: response.headers };
  };
  return { ...seeded, call };
}

describe("POST /api/gateway", () => {
  it("runs an auto tool upstream with the integration's credentials, never the agent's key, and audits it", async () => {
    const { call, db, workspace, agent } = await world();
    const before = upstream.callCount("get_user");
    const { status, body } = await call("get_user", { email: "ann@example.test" });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: "succeeded",
      result: { structuredContent: { tool: "get_user", arguments: { email: "ann@example.test" } } },
    });
    expect(body.callId).toMatch(/^call_/);
    expect(upstream.callCount("get_user")).toBe(before + 1);
    const received = upstream.calls.at(-1)!.headers;
    expect(received.authorization).toBe("Bearer upstream-token");
    expect(JSON.stringify(received)).not.toContain(agent.key);
    const [row] = await db.select().from(toolCalls).where(eq(toolCalls.id, body.callId));
    expect(row).toMatchObject({ status: "succeeded", agentKeyPrefix: agent.keyPrefix, decisionReason: "policy: auto" });
    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.workspaceId, workspace.id), eq(auditEvents.callId, body.callId)));
    expect(events.map((event) => event.action)).toEqual(["call.succeeded"]);
    expect(events[0]!.data).toMatchObject({ keyPrefix: agent.keyPrefix, decision: "execute", outcome: "succeeded" });
  });

  it("answers 502 with the upstream's error message when the tool fails", async () => {
    const { call, setPolicy } = await world();
    await setPolicy("flaky", "auto");
    upstream.behave("flaky", { fail: "the directory is read-only today" });
    const { status, body } = await call("flaky");
    expect(status).toBe(502);
    expect(body).toMatchObject({ status: "failed", error: { code: "upstream_failed", message: "the directory is read-only today" } });
  });

  it("refuses arguments over the per-call limit with 413, saying the limit and their size, and runs or stores nothing", async () => {
    const { call, setPolicy, db, workspace } = await world();
    await setPolicy("reset_password", "approval_needed");
    const before = upstream.callCount();
    const large = { email: "ann@example.test", note: "x".repeat(70_000) };
    const size = Buffer.byteLength(JSON.stringify(large)).toLocaleString("en-US");
    for (const toolName of ["list_users", "reset_password"]) {
      const { status, body } = await call(toolName, large);
      expect(status).toBe(413);
      expect(body.error.code).toBe("payload_too_large");
      expect(body.error.message).toBe(
        `The arguments are ${size} bytes of JSON; Toolgate accepts at most 65,536 bytes (64 KiB) of arguments per call (TOOLGATE_MAX_ARGUMENTS_BYTES). Nothing was run or stored: send less, e.g. a reference to the data instead of the data.`,
      );
    }
    expect(upstream.callCount()).toBe(before);
    expect(await db.select().from(toolCalls).where(eq(toolCalls.workspaceId, workspace.id))).toEqual([]);
    // Just under the limit is fine; the limit is configurable.
    expect((await call("list_users", { note: "x".repeat(65_000) })).status).toBe(200);
    process.env.TOOLGATE_MAX_ARGUMENTS_BYTES = "2048";
    forgetEnv();
    try {
      const { status, body } = await call("list_users", { note: "x".repeat(3_000) });
      expect(status).toBe(413);
      expect(body.error.message).toContain("at most 2,048 bytes (2 KiB)");
    } finally {
      delete process.env.TOOLGATE_MAX_ARGUMENTS_BYTES;
      forgetEnv();
    }
  });

  it("refuses a disabled tool with 403 and makes no upstream request; an unknown one is 404", async () => {
    const { call, setPolicy } = await world();
    await setPolicy("delete_user", "disabled");
    const before = upstream.callCount();
    expect(await call("delete_user", { email: "x@y.test" })).toMatchObject({ status: 403, body: { error: { code: "tool_disabled" } } });
    expect(await call("no_such_tool")).toMatchObject({ status: 404, body: { error: { code: "unknown_tool" } } });
    expect((await POST(gatewayRequest((await world()).agent.key, { integration: "nope", tool: "get_user" }))).status).toBe(404);
    expect(upstream.callCount()).toBe(before);
  });

  it("applies a policy changed by a save on the very next call", async () => {
    const { call, setPolicy } = await world();
    expect((await call("list_users")).status).toBe(200);
    await setPolicy("list_users", "disabled");
    expect((await call("list_users")).status).toBe(403);
    await setPolicy("list_users", "approval_needed");
    expect((await call("list_users")).status).toBe(202);
  });

  it("checks arguments against the tool's input schema before anything runs", async () => {
    const { call } = await world();
    const before = upstream.callCount();
    const { status, body } = await call("get_user", { email: "not-an-email", extra: 1 });
    expect(status).toBe(400);
    expect(body.error.code).toBe("invalid_arguments");
    expect(body.error.message).toMatch(/email must match format "email"/);
    expect(body.error.details.errors).toContainEqual({ path: "/", message: 'unknown argument "extra"' });
    expect(upstream.callCount()).toBe(before);
  });

  it("gives a clear 4xx for malformed requests and makes no upstream request", async () => {
    const { agent, slug } = await world();
    const before = upstream.callCount();
    const send = async (body: string, headers: Record<string, string> = {}) => {
      const response = await POST(gatewayRequest(agent.key, body, headers));
      return { status: response.status, body: (await response.json()) as { error: { code: string; message: string } } };
    };
    expect(await send("{not json")).toMatchObject({ status: 400, body: { error: { code: "invalid_json" } } });
    expect(await send("")).toMatchObject({ status: 400, body: { error: { message: "The body is empty: send a JSON object." } } });
    expect(await send("[1,2]")).toMatchObject({ status: 400, body: { error: { code: "invalid_input" } } });
    expect(await send(JSON.stringify({ integration: slug, tool: 5 }))).toMatchObject({
      status: 400,
      body: { error: { message: "Invalid request: tool must be a string." } },
    });
    expect(await send(JSON.stringify({ integration: slug, tool: "get_user", argumentz: {} }))).toMatchObject({
      status: 400,
      body: { error: { message: 'Invalid request: unknown field "argumentz".' } },
    });
    expect(await send(JSON.stringify({ integration: slug, tool: "get_user", arguments: [] }))).toMatchObject({
      status: 400,
      body: { error: { message: "Invalid request: arguments must be an object." } },
    });
    expect(await send(JSON.stringify({ integration: slug, tool: "get_user" }), { "content-type": "text/plain" })).toMatchObject({
      status: 415,
    });
    expect(await send(JSON.stringify({ integration: slug, tool: "get_user", reason: "x".repeat(300_000) }))).toMatchObject({ status: 413 });
    expect(await send(`{"integration":"${slug}","tool":"get_user","arguments":{"a":${"[".repeat(100)}${"]".repeat(100)}}}`)).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringMatching(/deeper than 64/) } },
    });
    expect(await send(`{"integration":"${slug}","tool":"get_user","arguments":{"email":"a\\u0000b"}}`)).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringMatching(/NUL/) } },
    });
    expect(await send(`{"integration":"${slug}","tool":"get_user","arguments":{"email":"\\ud800"}}`)).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringMatching(/surrogate/) } },
    });
    const invalidUtf8 = new Request("http://localhost/api/gateway", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${agent.key}` },
      body: new Uint8Array([0x7b, 0xff, 0x7d]),
    });
    expect((await POST(invalidUtf8)).status).toBe(400);
    // Duplicate keys: parsed once, the decided tool is the executed one (the last value wins in both).
    const duplicate = await send(`{"integration":"${slug}","tool":"delete_user","tool":"get_user","arguments":{"email":"a@b.test"}}`);
    expect(duplicate.status).toBe(200);
    expect(upstream.calls.at(-1)!.name).toBe("get_user");
    expect(upstream.callCount()).toBe(before + 1);
  });

  it("refuses a missing, unknown or revoked key with 401", async () => {
    const { call, agent, ctx, db } = await world();
    expect((await POST(gatewayRequest(null, { integration: "x", tool: "y" }))).status).toBe(401);
    expect((await call("get_user", { email: "a@b.test" }, {}, {}, "tg_" + "A".repeat(43))).status).toBe(401);
    const [key] = await db.select().from(agentKeys).where(eq(agentKeys.prefix, agent.keyPrefix));
    await revokeAgentKey(ctx, { keyId: key!.id });
    expect(await call("get_user", { email: "a@b.test" })).toMatchObject({ status: 401, body: { error: { code: "unauthorized" } } });
  });

  it("replays an Idempotency-Key without a second upstream call; a different body is 422; in flight is 409", async () => {
    const { call, setPolicy } = await world();
    const key = `idem-${uniqueSuffix()}`;
    const before = upstream.callCount("get_user");
    const first = await call("get_user", { email: "ann@example.test" }, {}, { "idempotency-key": key });
    const again = await call("get_user", { email: "ann@example.test" }, {}, { "idempotency-key": key });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(upstream.callCount("get_user")).toBe(before + 1);
    // The stored outcome stands even after the policy changes.
    await setPolicy("get_user", "disabled");
    expect((await call("get_user", { email: "ann@example.test" }, {}, { "idempotency-key": key })).status).toBe(200);
    expect(await call("get_user", { email: "bob@example.test" }, {}, { "idempotency-key": key })).toMatchObject({
      status: 422,
      body: { error: { code: "idempotency_key_reused" } },
    });

    await setPolicy("flaky", "auto");
    upstream.behave("flaky", { delayMs: 400 });
    const slowKey = `slow-${uniqueSuffix()}`;
    const [slow, concurrent] = await Promise.all([
      call("flaky", {}, {}, { "idempotency-key": slowKey }),
      new Promise((resolve) => setTimeout(resolve, 150)).then(() => call("flaky", {}, {}, { "idempotency-key": slowKey })),
    ]);
    expect(slow.status).toBe(200);
    expect(concurrent).toMatchObject({ status: 409, body: { error: { code: "idempotency_in_flight" } } });
    upstream.behave("flaky", {});
  });

  it("creates a pending call for approval_needed, and requires a requester with a known manager for Manager Approval", async () => {
    const { call, setPolicy, ctx, client } = await world();
    const technicianOnly = await call(
      "reset_password",
      { email: "ann@example.test" },
      { reason: "locked out", ticket: { system: "jira", id: "HELP-1" } },
    );
    expect(technicianOnly.status).toBe(202);
    expect(technicianOnly.body).toMatchObject({
      status: "pending_approval",
      approvals: [{ kind: "technician", status: "pending" }],
      statusUrl: `/api/gateway/calls/${technicianOnly.body.callId}`,
    });
    expect(new Date(technicianOnly.body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 23 * 3600 * 1000);

    await setPolicy("reset_password", "approval_needed", true);
    expect(await call("reset_password", { email: "ann@example.test" })).toMatchObject({
      status: 422,
      body: { error: { code: "requester_manager_unknown" } },
    });
    expect(await call("reset_password", { email: "ann@example.test" }, { requester: { email: "ann@example.test" } })).toMatchObject({
      status: 422,
      body: { error: { code: "requester_manager_unknown" } },
    });
    const boss = await addPerson(ctx, { clientId: client.id, email: "boss@example.test", name: "Boss" });
    await addPerson(ctx, { clientId: client.id, email: "ann@example.test", name: "Ann", managerId: boss.id });
    // Nothing could reach the manager (no e-mail, no Slack): refused, rather than a request nobody hears of.
    expect(await call("reset_password", { email: "ann@example.test" }, { requester: { email: "ann@example.test" } })).toMatchObject({
      status: 422,
      body: { error: { code: "manager_unreachable" } },
    });
    await updateWorkspaceSettings(ctx, {
      smtp: { host: "127.0.0.1", port: 2525, secure: false, username: null, from: "Toolgate <approvals@msp.test>" },
    });
    const both = await call("reset_password", { email: "ann@example.test" }, { requester: { email: "Ann@Example.test" } });
    expect(both.status).toBe(202);
    // Where each request really went: e-mail is set up now, Slack is not.
    expect(both.body.approvals).toEqual([
      { kind: "technician", status: "pending", channels: ["inbox", "email"] },
      { kind: "manager", status: "pending", channels: ["email"] },
    ]);
  });

  it("limits the calls an agent may have waiting for approval", async () => {
    const { call, db, workspace } = await world();
    await db.update(workspaces).set({ maxPendingApprovalsPerAgent: 2 }).where(eq(workspaces.id, workspace.id));
    expect((await call("reset_password", { email: "a@b.test" })).status).toBe(202);
    expect((await call("reset_password", { email: "b@b.test" })).status).toBe(202);
    expect(await call("reset_password", { email: "c@b.test" })).toMatchObject({
      status: 429,
      body: { error: { code: "too_many_pending_approvals" } },
    });
  });

  it("keeps an agent limited to client A away from client B's tools: 404, exactly as if they did not exist", async () => {
    const { db, admin, ctx, slug, call } = await world();
    const otherClient = await createClient(ctx, { name: `Other ${uniqueSuffix()}` });
    const limited = await createTestAgent(db, admin, { allClients: false, clientIds: [otherClient.id], mspWide: false }, "Limited");
    const before = upstream.callCount();
    expect(await call("get_user", { email: "a@b.test" }, {}, {}, limited.key)).toMatchObject({
      status: 404,
      body: { error: { code: "unknown_tool", message: "There is no such integration or tool for this agent." } },
    });
    const tools = (await (await getTools(agentGet("/api/gateway/tools", limited.key))).json()) as { tools: Array<{ integration: string }> };
    expect(tools.tools.filter((entry) => entry.integration === slug)).toEqual([]);
    expect(upstream.callCount()).toBe(before);
  });

  it("stops every call at once with Pause all agents, and releases them when switched off", async () => {
    const { call, ctx } = await world();
    await setAllAgentsPaused(ctx, { paused: true });
    expect(await call("get_user", { email: "a@b.test" })).toMatchObject({ status: 403, body: { error: { code: "agent_paused" } } });
    expect(await call("no_such_tool")).toMatchObject({ status: 403, body: { error: { code: "agent_paused" } } });
    await setAllAgentsPaused(ctx, { paused: false });
    expect((await call("get_user", { email: "a@b.test" })).status).toBe(200);
  });
});

describe("GET /api/gateway/tools", () => {
  it("lists the agent's tools without disabled ones, with the version as ETag, 304 when unchanged, and hides a paused integration", async () => {
    const { agent, setPolicy, slug, ctx, integrationId } = await world();
    await setPolicy("delete_user", "disabled");
    await setPolicy("reset_password", "approval_needed", true);
    const response = await getTools(agentGet("/api/gateway/tools", agent.key));
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      version: number;
      tools: Array<{ integration: string; name: string; policy: string; managerApproval: boolean; inputSchema: unknown }>;
    };
    const mine = body.tools.filter((entry) => entry.integration === slug);
    expect(mine.map((entry) => entry.name).sort()).toEqual(["flaky", "get_user", "list_users", "reset_password"]);
    expect(mine.find((entry) => entry.name === "reset_password")).toMatchObject({ policy: "approval_needed", managerApproval: true });
    expect(response.headers.get("etag")).toBe(`"${body.version}"`);
    expect((await getTools(agentGet("/api/gateway/tools", agent.key, { "if-none-match": `"${body.version}"` }))).status).toBe(304);

    await setIntegrationStatus(ctx, { integrationId, status: "paused" });
    const after = (await (
      await getTools(agentGet("/api/gateway/tools", agent.key, { "if-none-match": `"${body.version}"` }))
    ).json()) as typeof body;
    expect(after.version).toBeGreaterThan(body.version);
    expect(after.tools.filter((entry) => entry.integration === slug)).toEqual([]);
    const paused = await POST(gatewayRequest(agent.key, { integration: slug, tool: "get_user", arguments: { email: "a@b.test" } }));
    expect(paused.status).toBe(403);
    expect(((await paused.json()) as { error: { code: string } }).error.code).toBe("integration_paused");
  });
  it('compares If-None-Match weakly (RFC 9110): W/"v", a list containing it, or * answer 304; another version answers 200', async () => {
    const { agent } = await world();
    const first = await getTools(agentGet("/api/gateway/tools", agent.key));
    const etag = first.headers.get("etag")!;
    const version = etag.replace(/"/g, "");
    const ask = (ifNoneMatch: string) => getTools(agentGet("/api/gateway/tools", agent.key, { "if-none-match": ifNoneMatch }));
    for (const header of [`W/"${version}"`, `"0", W/"${version}"`, `W/"0" , "${version}"`, "*"]) {
      const response = await ask(header);
      expect({ header, status: response.status }).toEqual({ header, status: 304 });
      expect(response.headers.get("etag")).toBe(etag);
    }
    for (const header of [`W/"${Number(version) + 1}"`, `"${version}0"`, "garbage"]) {
      expect({ header, status: (await ask(header)).status }).toEqual({ header, status: 200 });
    }
  });
});

describe("calls: status, long-poll and cancel", () => {
  it("lets only the calling agent read its call, wakes a waiting reader on cancel, and refuses a second cancel", async () => {
    const { call, db, admin, agent } = await world();
    const pending = await call("reset_password", { email: "a@b.test" });
    const callId = pending.body.callId as string;
    const params = { params: Promise.resolve({ callId }) };
    const other = await createTestAgent(db, admin, {}, "Other agent");
    expect((await getCall(agentGet(`/api/gateway/calls/${callId}`, other.key), params)).status).toBe(404);
    const own = await getCall(agentGet(`/api/gateway/calls/${callId}`, agent.key), { params: Promise.resolve({ callId }) });
    expect(await own.json()).toMatchObject({ callId, status: "pending_approval", approvals: [{ kind: "technician", status: "pending" }] });

    const started = Date.now();
    const waiting = getCall(agentGet(`/api/gateway/calls/${callId}?wait=20`, agent.key), { params: Promise.resolve({ callId }) });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const cancelRequest = () =>
      new Request(`http://localhost/api/gateway/calls/${callId}/cancel`, {
        method: "POST",
        headers: { authorization: `Bearer ${agent.key}` },
      });
    const cancelled = await cancel(cancelRequest(), { params: Promise.resolve({ callId }) });
    expect(await cancelled.json()).toMatchObject({ status: "cancelled", approvals: [{ kind: "technician", status: "cancelled" }] });
    const woke = (await (await waiting).json()) as { status: string };
    expect(woke.status).toBe("cancelled");
    expect(Date.now() - started).toBeLessThan(10_000);
    const again = await cancel(cancelRequest(), { params: Promise.resolve({ callId }) });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { message: string } }).error.message).toMatch(/This call is cancelled/);
    expect(
      (await getCall(agentGet(`/api/gateway/calls/${callId}?wait=abc`, agent.key), { params: Promise.resolve({ callId }) })).status,
    ).toBe(400);
  });

  it("refuses wait over 60 seconds with 400, saying the limit, rather than waiting less than asked", async () => {
    const { call, agent } = await world();
    const { body } = await call("reset_password", { email: "a@b.test" });
    const params = { params: Promise.resolve({ callId: body.callId }) };
    for (const wait of ["99", "61", "600", "-1", "1.5"]) {
      const response = await getCall(agentGet(`/api/gateway/calls/${body.callId}?wait=${wait}`, agent.key), params);
      expect({ wait, status: response.status }).toEqual({ wait, status: 400 });
      expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
        "wait must be a whole number of seconds from 0 to 60.",
      );
    }
    expect((await getCall(agentGet(`/api/gateway/calls/${body.callId}?wait=0`, agent.key), params)).status).toBe(200);
  });

  it("answers a missing or bad key on a call's status and cancel with 401 and WWW-Authenticate", async () => {
    const { call } = await world();
    const { body } = await call("reset_password", { email: "a@b.test" });
    const params = { params: Promise.resolve({ callId: body.callId }) };
    const bad = "tg_" + "B".repeat(43);
    const status = await getCall(agentGet(`/api/gateway/calls/${body.callId}`, bad), params);
    const cancelled = await cancel(new Request(`http://localhost/api/gateway/calls/${body.callId}/cancel`, { method: "POST" }), params);
    for (const response of [status, cancelled]) {
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer realm="toolgate", error="invalid_token"/);
    }
  });

  it("never reports finishedAt before createdAt, even when this process's clock is behind the database's", async () => {
    const { call, agent } = await world();
    const read = async (callId: string) =>
      (await (await getCall(agentGet(`/api/gateway/calls/${callId}`, agent.key), { params: Promise.resolve({ callId }) })).json()) as {
        createdAt: string;
        finishedAt: string | null;
      };
    // Another host's clock: this process runs a minute behind the database server.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() - 60_000 });
    try {
      const ran = await call("get_user", { email: "a@b.test" });
      const pending = await call("reset_password", { email: "a@b.test" });
      const withdrawn = await cancel(
        new Request(`http://localhost/api/gateway/calls/${pending.body.callId}/cancel`, {
          method: "POST",
          headers: { authorization: `Bearer ${agent.key}` },
        }),
        { params: Promise.resolve({ callId: pending.body.callId }) },
      );
      expect(withdrawn.status).toBe(200);
      for (const callId of [ran.body.callId, pending.body.callId]) {
        const view = await read(callId);
        expect(view.finishedAt).not.toBeNull();
        expect({ callId, finishedBeforeCreated: Date.parse(view.finishedAt!) < Date.parse(view.createdAt) }).toEqual({
          callId,
          finishedBeforeCreated: false,
        });
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it("answers unknown agent API paths with the JSON error body, not an HTML page", async () => {
    for (const [method, path] of [
      ["GET", "/api/gateway/nope"],
      ["GET", "/api/gateway/calls"],
      ["POST", "/api/gateway/calls/call_x/approve"],
      ["DELETE", "/api/gateway/tools/list_users"],
    ] as const) {
      const handler = { GET: unknownPathGet, POST: unknownPathPost, DELETE: unknownPathDelete }[method];
      const response = await handler(new Request(`http://localhost${path}`, { method }));
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await response.json()).toEqual({
        error: { code: "not_found", message: `There is no ${method} ${path} in the agent API: see /api/gateway/openapi.json.` },
      });
    }
  });
});

describe("when the database is unreachable", () => {
  it("answers 503 with Retry-After and no stack trace, making no upstream request", async () => {
    const { agent, slug } = await world();
    const { openPostgres } = await import("@/db/open-postgres");
    const { closedPort } = await import("@/test/ports");
    const { installDatabaseHandle } = await import("@/server/database");
    const dead = openPostgres(`postgres://postgres@127.0.0.1:${await closedPort()}/toolgate`);
    const before = upstream.callCount();
    installDatabaseHandle(dead);
    try {
      const response = await POST(gatewayRequest(agent.key, { integration: slug, tool: "get_user", arguments: { email: "a@b.test" } }));
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("2");
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({
        error: { code: "database_unavailable", message: "The database is unreachable right now; nothing was done. Retry shortly." },
      });
      expect(text).not.toMatch(/at \S+ \(|node_modules/);
    } finally {
      installDatabaseHandle(database());
      await dead.close();
    }
    expect(upstream.callCount()).toBe(before);
  });
});
