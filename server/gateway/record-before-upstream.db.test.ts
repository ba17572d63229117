import { and, eq, sql } from "drizzle-orm";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, toolCalls } from "@/db/schema";
import { POST } from "@/test/gateway-routes";
import { setupTestDatabase } from "@/test/database";
import { createUser, uniqueSuffix } from "@/test/fixtures";
import { gatewayRequest } from "@/test/gateway";
import { seedWorld } from "@/test/world";
import { serveFetch, type RunningServer } from "@/test/http-server";
import { decideApproval } from "../approvals/decide";
import { executeApprovedCall, sweepCalls } from "../approvals/execute-approved";
import { closeMcpClients } from "../integrations/connectors/mcp";

const database = setupTestDatabase();
const NUL_RESULT = "temp password: a\u0000b";

/**
 * An upstream whose `slow` tool reports, while it runs, what Toolgate has recorded of the call, and
 * whose `nul` tool answers with a string PostgreSQL's jsonb cannot hold.
 */
let upstream: RunningServer;
let seenWhileRunning: Array<{ status: string; startedAt: Date | null }> = [];
beforeAll(async () => {
  upstream = await serveFetch(async (request) => {
    const mcp = new Server({ name: "recording-upstream", version: "1.0.0" }, { capabilities: { tools: {} } });
    const schema = { type: "object", properties: {} } as const;
    mcp.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: [
        { name: "get_slow", description: "slow", inputSchema: schema },
        { name: "get_nul", description: "nul", inputSchema: schema },
        { name: "reset_nul", description: "nul after approval", inputSchema: schema },
      ],
    }));
    mcp.setRequestHandler(CallToolRequestSchema, async (call) => {
      if (call.params.name === "get_slow") {
        const rows = await database()
          .db.select({ status: toolCalls.status, startedAt: toolCalls.startedAt })
          .from(toolCalls)
          .where(eq(toolCalls.toolName, "get_slow"));
        seenWhileRunning = rows;
        return { content: [{ type: "text", text: "slow done" }] };
      }
      return { content: [{ type: "text", text: NUL_RESULT }], structuredContent: { password: NUL_RESULT, [`k\u0000ey`]: 1 } };
    });
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await mcp.connect(transport);
    return transport.handleRequest(request);
  });
});
afterAll(async () => {
  await closeMcpClients();
  await upstream.close();
});

async function world() {
  const seeded = await seedWorld(database().db, { upstream: { url: `${upstream.url}/mcp` }, slug: `rec-${uniqueSuffix()}`, name: "Rec" });
  const { agent, slug } = seeded;
  const call = async (tool: string, headers: Record<string, string> = {}) => {
    const response = await POST(gatewayRequest(agent.key, { integration: slug, tool, arguments: {} }, headers));
    return { status: response.status, body: (await response.json()) as { callId: string; result: unknown; error?: { code: string } } };
  };
  return { ...seeded, call };
}

describe("no upstream call without a record", () => {
  it("an auto call is committed as executing before its upstream request, and completed after", async () => {
    const w = await world();
    seenWhileRunning = [];
    const { status, body } = await w.call("get_slow");
    expect(status).toBe(200);
    expect(seenWhileRunning).toHaveLength(1);
    expect(seenWhileRunning[0]!.status).toBe("executing");
    expect(seenWhileRunning[0]!.startedAt).not.toBeNull();
    const [row] = await w.db.select().from(toolCalls).where(eq(toolCalls.id, body.callId));
    expect(row!.status).toBe("succeeded");
  });

  it("commits the record before the upstream request durably, and only the completion without waiting for the disk", async () => {
    const w = await world();
    // A trigger notes the synchronous_commit each write's transaction commits with.
    await w.db.execute(sql`create table if not exists commit_modes (call_id text, op text, setting text)`);
    await w.db.execute(sql`
      create or replace function note_commit_mode() returns trigger language plpgsql as $$
      begin
        insert into commit_modes values (new.id, tg_op, current_setting('synchronous_commit'));
        return new;
      end $$`);
    await w.db.execute(sql`drop trigger if exists note_commit_mode on tool_calls`);
    await w.db.execute(
      sql`create trigger note_commit_mode after insert or update on tool_calls for each row execute function note_commit_mode()`,
    );
    try {
      const { status, body } = await w.call("get_slow");
      expect(status).toBe(200);
      const rows = await database().query<{ op: string; setting: string }>(
        "select op, setting from commit_modes where call_id = $1 order by op",
        [body.callId],
      );
      expect(rows.map((row) => `${row.op} ${row.setting}`)).toEqual(["INSERT on", "UPDATE off"]);
    } finally {
      await w.db.execute(sql`drop trigger if exists note_commit_mode on tool_calls`);
    }
  });

  it("a crash between the record and the completion leaves a row the sweep marks as outcome unknown, never re-run", async () => {
    const w = await world();
    const { body } = await w.call("get_slow");
    // As if the process died during the upstream request: the row is still executing, long ago.
    await w.db
      .update(toolCalls)
      .set({ status: "executing", finishedAt: null, startedAt: sql`now() - interval '10 minutes'` })
      .where(eq(toolCalls.id, body.callId));
    const sweep = await sweepCalls(w.db);
    expect(sweep.unknown).toBeGreaterThanOrEqual(1);
    const [row] = await w.db.select().from(toolCalls).where(eq(toolCalls.id, body.callId));
    expect(row).toMatchObject({ status: "failed", errorCode: "outcome_unknown" });
  });

  it("records a result jsonb cannot hold (a NUL character): the agent gets it as sent, the stored copy is sanitized, and the call is audited", async () => {
    const w = await world();
    const { status, body } = await w.call("get_nul");
    expect(status).toBe(200);
    expect(JSON.stringify(body.result)).toContain("\\u0000");
    const [row] = await w.db.select().from(toolCalls).where(eq(toolCalls.id, body.callId));
    expect(row!.status).toBe("succeeded");
    expect(JSON.stringify(row!.result)).not.toContain("\\u0000");
    expect(JSON.stringify(row!.result)).toContain("temp password: a\uFFFDb");
    const events = await w.db.select().from(auditEvents).where(eq(auditEvents.callId, body.callId));
    expect(events.map((event) => event.action)).toEqual(["call.succeeded"]);
    expect(events[0]!.data).toMatchObject({ resultStoredAltered: true });
  });

  it("with an Idempotency-Key, such a result is stored and replayed, never stuck in flight", async () => {
    const w = await world();
    const key = `idem-${uniqueSuffix()}`;
    const first = await w.call("get_nul", { "idempotency-key": key });
    expect(first.status).toBe(200);
    const again = await w.call("get_nul", { "idempotency-key": key });
    expect(again.status).toBe(200);
    expect(again.body.callId).toBe(first.body.callId);
  });

  it("an approved call whose result jsonb cannot hold ends succeeded, not outcome unknown", async () => {
    const w = await world();
    // `reset_…` is seeded as needing a technician's approval.
    const pending = await w.call("reset_nul");
    expect(pending.status).toBe(202);
    const technician = await createUser(w.db, w.workspace.id, { role: "technician" });
    const request = await w.db.query.approvalRequests.findFirst({ where: (r, { eq: equals }) => equals(r.callId, pending.body.callId) });
    await decideApproval(w.db, {
      workspaceId: w.workspace.id,
      approvalRequestId: request!.id,
      decision: "approve",
      actor: { kind: "user", userId: technician.id, via: "web" },
    });
    expect(await executeApprovedCall(w.db, pending.body.callId)).toBe("succeeded");
    const [row] = await w.db.select().from(toolCalls).where(eq(toolCalls.id, pending.body.callId));
    expect(row!.status).toBe("succeeded");
  });

  it("createdAt and finishedAt come from one clock: a call never finishes before it was created", async () => {
    const w = await world();
    const ids: string[] = [];
    for (let index = 0; index < 30; index++) ids.push((await w.call("get_slow")).body.callId);
    const rows = await w.db
      .select({ createdAt: toolCalls.createdAt, finishedAt: toolCalls.finishedAt })
      .from(toolCalls)
      .where(and(eq(toolCalls.workspaceId, w.workspace.id), eq(toolCalls.toolName, "get_slow")));
    expect(rows).toHaveLength(30);
    for (const row of rows) expect(row.finishedAt!.getTime()).toBeGreaterThanOrEqual(row.createdAt.getTime());
  });
});
