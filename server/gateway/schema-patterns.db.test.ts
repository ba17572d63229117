import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, toolCalls, tools } from "@/db/schema";
import { POST } from "@/test/gateway-routes";
import { setupTestDatabase } from "@/test/database";
import { gatewayRequest } from "@/test/gateway";
import { seedWorld } from "@/test/world";
import { tool } from "@/test/mcp-upstream";
import { setupMcpUpstream } from "@/test/world";
import { runInWorkerThread } from "@/test/worker/run-in-worker";
import { resyncIntegration } from "../integrations/sync";
import type { ScenarioAnswer } from "./schema-patterns.worker";

const database = setupTestDatabase();

/** Nested quantifiers: a backtracking engine takes ~2^n steps on n a's followed by a non-match. */
const BACKTRACKING_SCHEMA = {
  type: "object" as const,
  properties: { code: { type: "string", pattern: "^(a+)+$" } },
  required: ["code"],
};
const LOOKAHEAD_SCHEMA = {
  type: "object",
  properties: { password: { type: "string", pattern: "^(?=.*[A-Z]).{8,}$" } },
} as const;
const BACKREFERENCE_KEYS_SCHEMA = { type: "object", patternProperties: { "^(x)\\1$": { type: "string" } } } as const;

const upstream = setupMcpUpstream([
  tool("get_account", { inputSchema: BACKTRACKING_SCHEMA }),
  tool("get_user", { inputSchema: { type: "object", properties: { email: { type: "string", format: "email" } } } }),
  tool("list_logins", { inputSchema: LOOKAHEAD_SCHEMA }),
  tool("get_settings", { inputSchema: BACKREFERENCE_KEYS_SCHEMA }),
]);

async function tenant() {
  const seeded = await seedWorld(database().db, { upstream, mspWide: true });
  const { db, agent, slug, integrationId } = seeded;
  const call = async (toolName: string, args: Record<string, unknown>) => {
    const response = await POST(gatewayRequest(agent.key, { integration: slug, tool: toolName, arguments: args }));
    return { status: response.status, body: (await response.json()) as { callId?: string; error?: { code: string; message: string } } };
  };
  const toolRow = async (name: string) =>
    (
      await db
        .select()
        .from(tools)
        .where(and(eq(tools.integrationId, integrationId), eq(tools.name, name)))
    )[0]!;
  return { ...seeded, call, toolRow };
}

describe("patterns in upstream tools' input schemas", () => {
  it("a backtracking pattern in one workspace's tool neither stalls validation nor another workspace's call", async () => {
    // 40 a's: a backtracking engine needs ~2^40 steps (hours); a linear one, 41.
    const answer = await runInWorkerThread<ScenarioAnswer>(
      new URL("./schema-patterns.worker.ts", import.meta.url),
      { upstreamUrl: upstream.url, schema: BACKTRACKING_SCHEMA, evilArgument: `${"a".repeat(40)}!` },
      { timeoutMs: 45_000, stalledMessage: "validating ^(a+)+$ stalled the gateway's event loop" },
    );
    expect(answer.validation).toEqual([{ path: "/code", message: 'must match pattern "^(a+)+$"' }]);
    expect(answer.attacker).toMatchObject({ status: 400, body: { error: { code: "invalid_arguments" } } });
    expect(answer.neighbour).toMatchObject({ status: 200, body: { status: "succeeded" } });
  }, 60_000);

  it("still checks patterns: a matching argument passes, a non-matching one is refused", async () => {
    const { call } = await tenant();
    expect(await call("get_account", { code: "aaaa" })).toMatchObject({ status: 200 });
    expect(await call("get_account", { code: "aab" })).toMatchObject({ status: 400, body: { error: { code: "invalid_arguments" } } });
  });

  it("refuses calls to a tool whose pattern needs lookahead or a backreference with 400 schema_unsupported, recorded, nothing sent upstream", async () => {
    const { call, db, workspace } = await tenant();
    const before = upstream.callCount();
    const lookahead = await call("list_logins", { password: "Sufficient1" });
    expect(lookahead).toMatchObject({ status: 400, body: { error: { code: "schema_unsupported" } } });
    expect(lookahead.body.error!.message).toMatch(/lookahead or lookbehind/);
    expect(lookahead.body.error!.message).toContain("list_logins");
    const backreference = await call("get_settings", { xx: "y" });
    expect(backreference).toMatchObject({ status: 400, body: { error: { code: "schema_unsupported" } } });
    expect(backreference.body.error!.message).toMatch(/backreference/);
    expect(upstream.callCount()).toBe(before);
    const rejected = await db
      .select({ status: toolCalls.status, errorCode: toolCalls.errorCode })
      .from(toolCalls)
      .where(and(eq(toolCalls.workspaceId, workspace.id), eq(toolCalls.toolName, "list_logins")));
    expect(rejected).toEqual([{ status: "rejected", errorCode: "schema_unsupported" }]);
    const events = await db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.workspaceId, workspace.id));
    expect(events.map((event) => event.action)).toContain("call.rejected");
  });

  it("flags a tool with such a pattern for review when it is seeded, and says why", async () => {
    const { toolRow } = await tenant();
    const lookahead = await toolRow("list_logins");
    expect(lookahead.flaggedAt).not.toBeNull();
    expect(lookahead.seededReason).toMatch(/lookahead or lookbehind/);
    expect(lookahead.seededReason).toMatch(/calls are refused/);
    expect((await toolRow("get_settings")).flaggedAt).not.toBeNull();
    const plain = await toolRow("get_account");
    expect(plain.flaggedAt).toBeNull();
    expect(plain.seededReason).toBe("read verb 'get'");
  });

  it("flags a tool on re-sync when its schema gains such a pattern, and a new tool that arrives with one", async () => {
    const { ctx, integrationId, toolRow } = await tenant();
    const original = [
      tool("get_account", { inputSchema: BACKTRACKING_SCHEMA }),
      tool("get_user", { inputSchema: { type: "object", properties: { email: { type: "string", format: "email" } } } }),
      tool("list_logins", { inputSchema: LOOKAHEAD_SCHEMA }),
      tool("get_settings", { inputSchema: BACKREFERENCE_KEYS_SCHEMA }),
    ];
    try {
      upstream.setTools([
        ...original.filter((entry) => entry.name !== "get_user"),
        tool("get_user", { inputSchema: { type: "object", properties: { email: { type: "string", pattern: "(?!admin)" } } } }),
        tool("get_group", { inputSchema: { type: "object", propertyNames: { pattern: "^(?<a>x)\\k<a>$" } } }),
      ]);
      const summary = await resyncIntegration(ctx, { integrationId });
      expect(summary.changed).toEqual(["get_user"]);
      expect(summary.added).toEqual(["get_group"]);
      expect((await toolRow("get_user")).flaggedAt).not.toBeNull();
      const added = await toolRow("get_group");
      expect(added.flaggedAt).not.toBeNull();
      expect(added.seededReason).toMatch(/backreference/);
    } finally {
      upstream.setTools(original);
    }
  });
});
