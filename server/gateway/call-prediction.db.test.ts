import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db";
import { agentKeys, auditEvents, toolCalls } from "@/db/schema";
import { setupTestDatabase } from "@/test/database";
import { gatewayRequest } from "@/test/gateway";
import { POST } from "@/test/gateway-routes";
import { serveFetch, type RunningServer } from "@/test/http-server";
import { tool } from "@/test/mcp-upstream";
import { seedWorld, setupMcpUpstream, type World } from "@/test/world";
import { revokeAgentKey, setAgentPaused } from "../agents/manage-agents";
import { setIntegrationStatus } from "../integrations/manage";
import { handleToolCall } from "./call-tool";
import { handleMcpRequest } from "./mcp-endpoint";

/*
 * The one read records a repeated `auto` call in the same statement when this process's prediction
 * of the state holds (call-prediction.ts) — and only then: a change made since applies to the very
 * next call, and a call the transport never hands over is not left `executing`.
 */

const database = setupTestDatabase();
const upstream = setupMcpUpstream([tool("get_user"), tool("delete_user")]);
let endpoint: RunningServer;

beforeAll(async () => {
  endpoint = await serveFetch((request) => handleMcpRequest(database(), request));
});
afterAll(async () => {
  await endpoint.close();
});

/** The real database handle, counting the statements the gateway sends through it. */
function countingHandle(handle: DatabaseHandle) {
  const statements: string[] = [];
  const counting: DatabaseHandle = {
    ...handle,
    query: (text, params) => {
      statements.push(text);
      return handle.query(text, params);
    },
  };
  return { handle: counting, statements };
}

const callsOf = (world: World) =>
  world.db.select().from(toolCalls).where(eq(toolCalls.workspaceId, world.workspace.id)).orderBy(toolCalls.createdAt);

const rest = (world: World, toolName = "get_user") =>
  POST(gatewayRequest(world.agent.key, { integration: world.slug, tool: toolName, arguments: { id: "u-1" } }));

describe("an auto call recorded by its one read", () => {
  it("takes two statements instead of three once the state is known, and writes the same row and audit", async () => {
    const world = await seedWorld(database().db, { upstream, policies: { get_user: "auto", delete_user: "disabled" } });
    const { handle, statements } = countingHandle(database());
    const call = () =>
      handleToolCall(handle, {
        presentedKey: world.agent.key,
        body: { integration: world.slug, tool: "get_user", arguments: { id: "u-1" } },
        idempotencyKey: null,
      });

    const first = await call();
    expect(first.kind).toBe("succeeded");
    // The read, the `executing` row, the completion.
    expect(statements).toHaveLength(3);
    statements.length = 0;
    const second = await call();
    expect(second.kind).toBe("succeeded");
    // The read that also records the call, the completion.
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(/recorded as/);

    const [a, b] = await callsOf(world);
    expect(b).toMatchObject({
      status: "succeeded",
      agentKeyId: a!.agentKeyId,
      agentKeyPrefix: a!.agentKeyPrefix,
      toolId: a!.toolId,
      toolDefinitionHash: a!.toolDefinitionHash,
      integrationSlug: a!.integrationSlug,
      arguments: a!.arguments,
      argumentsDigest: a!.argumentsDigest,
      decisionReason: a!.decisionReason,
      result: a!.result,
    });
    expect(b!.startedAt).not.toBeNull();
    expect(b!.finishedAt!.getTime()).toBeGreaterThanOrEqual(b!.startedAt!.getTime());
    const audit = await world.db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.callId, b!.id));
    expect(audit.map((event) => event.action)).toEqual(["call.succeeded"]);
    expect(upstream.callCount("get_user")).toBeGreaterThanOrEqual(2);
  });

  it("never records with an Idempotency-Key: the claim decides first", async () => {
    const world = await seedWorld(database().db, { upstream, policies: { get_user: "auto" } });
    const { handle, statements } = countingHandle(database());
    const body = { integration: world.slug, tool: "get_user", arguments: { id: "u-1" } };
    await handleToolCall(handle, { presentedKey: world.agent.key, body, idempotencyKey: null });
    statements.length = 0;
    expect((await handleToolCall(handle, { presentedKey: world.agent.key, body, idempotencyKey: "k-1" })).kind).toBe("succeeded");
    expect(statements.some((text) => /recorded as/.test(text))).toBe(false);
  });
});

describe("a change made after the state was predicted applies to the very next call", () => {
  const changes: Array<[string, (world: World) => Promise<unknown>, number, string]> = [
    ["the tool is disabled", (world) => world.setPolicy("get_user", "disabled"), 403, "tool_disabled"],
    ["the tool needs approval", (world) => world.setPolicy("get_user", "approval_needed"), 202, ""],
    ["the agent is paused", (world) => setAgentPaused(world.ctx, { agentId: world.agent.agentId, paused: true }), 403, "agent_paused"],
    [
      "the integration is paused",
      (world) => setIntegrationStatus(world.ctx, { integrationId: world.integrationId, status: "paused" }),
      403,
      "integration_paused",
    ],
    [
      "the key is revoked",
      async (world) => {
        const [key] = await world.db.select({ id: agentKeys.id }).from(agentKeys).where(eq(agentKeys.agentId, world.agent.agentId));
        await revokeAgentKey(world.ctx, { keyId: key!.id });
      },
      401,
      "",
    ],
  ];
  for (const [change, make, status, code] of changes) {
    it(`${change}`, async () => {
      const world = await seedWorld(database().db, { upstream, policies: { get_user: "auto" } });
      // Two calls: the second is recorded by its read, so the prediction is in use.
      expect((await rest(world)).status).toBe(200);
      expect((await rest(world)).status).toBe(200);
      const before = upstream.callCount("get_user");
      await make(world);

      const response = await rest(world);
      expect(response.status).toBe(status);
      if (code) expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
      expect(upstream.callCount("get_user")).toBe(before);
      const rows = await callsOf(world);
      expect(rows.filter((row) => row.status === "executing")).toEqual([]);
      expect(rows.filter((row) => row.status === "succeeded")).toHaveLength(2);
    });
  }
});

describe("over MCP", () => {
  async function mcpWorld() {
    const world = await seedWorld(database().db, { upstream, policies: { get_user: "auto" } });
    const client = new Client({ name: "test-agent", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${endpoint.url}/api/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${world.agent.key}` } },
      }),
    );
    const name = (await client.listTools()).tools.find((listed) => listed.name.endsWith("__get_user"))!.name;
    return { world, client, name };
  }

  it("records a repeated call by its read and answers it as before", async () => {
    const { world, client, name } = await mcpWorld();
    for (let index = 0; index < 3; index++) {
      const result = await client.callTool({ name, arguments: { id: `u-${index}` } });
      expect(result.isError).toBeFalsy();
    }
    const rows = await callsOf(world);
    expect(rows.map((row) => [row.status, row.arguments])).toEqual([
      ["succeeded", { id: "u-0" }],
      ["succeeded", { id: "u-1" }],
      ["succeeded", { id: "u-2" }],
    ]);
    await client.close();
  });

  it("marks a recorded call refused when the SDK refuses its request before the call runs: nothing goes upstream", async () => {
    const { world, client, name } = await mcpWorld();
    await client.callTool({ name, arguments: { id: "u-0" } });
    await client.callTool({ name, arguments: { id: "u-1" } });
    const before = upstream.callCount("get_user");

    // A well-formed call without `Accept: …, text/event-stream`: the SDK's transport answers 406.
    const response = await fetch(`${endpoint.url}/api/mcp`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        "mcp-protocol-version": "2025-11-25",
        authorization: `Bearer ${world.agent.key}`,
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/call", params: { name, arguments: { id: "u-2" } } }),
    });
    expect(response.status).toBe(406);
    expect(upstream.callCount("get_user")).toBe(before);
    const rows = await callsOf(world);
    expect(rows.filter((row) => row.status === "executing")).toEqual([]);
    const refused = rows.filter((row) => row.status === "rejected");
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ arguments: { id: "u-2" }, errorCode: "invalid_input" });
    expect(refused[0]!.errorMessage).toMatch(/refused before the call ran: nothing was sent upstream/);
    const audit = await world.db
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(and(eq(auditEvents.callId, refused[0]!.id)));
    expect(audit.map((event) => event.action)).toEqual(["call.rejected"]);
    await client.close();
  });
});
