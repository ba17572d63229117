import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { eq, sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgetEnv } from "@/server/env";
import { installDatabaseHandle } from "@/server/database";
import { newId } from "@/db/ids";
import { agentKeys, tools, toolCalls, workspaces, type ToolPolicy } from "@/db/schema";
import { POST as callRoute } from "@/app/api/gateway/route";
import { GET as toolsRoute } from "@/app/api/gateway/tools/route";
import { decideApproval } from "@/server/approvals/decide";
import { executeApprovedCall } from "@/server/approvals/execute-approved";
import { createClient } from "@/server/clients/clients";
import { addPerson } from "@/server/directory/people";
import { resetEventBus } from "@/server/events/bus";
import { PUBLIC_REJECTIONS } from "@/server/gateway/outcome";
import { handleMcpRequest } from "@/server/gateway/mcp-endpoint";
import { argumentsDigest } from "@/server/crypto/canonical-json";
import { closeMcpClients } from "@/server/integrations/connectors/mcp";
import { decide, type Decision, type DecisionInput } from "@/server/policy/decide";
import { decisionForExplanation } from "@/server/policy/explain";
import { createTestDatabase, type TestDatabase } from "../database";
import { createUser, uniqueSuffix } from "../fixtures";
import { agentGet, gatewayRequest } from "../gateway";
import { startMcpUpstream, tool, type McpUpstream } from "../mcp-upstream";
import { sharedSmtpCapture } from "../smtp-capture";
import { seedWorld } from "../world";
import { count, onPostgres, reportFigure } from "./harness";

/**
 * One decision everywhere (issue: "one decision at every enforcement point"): the same random
 * state — pauses, key retired or revoked, scope, integration status, tool policy, Manager Approval,
 * flag, removal, a definition changed since the call — goes through REST, MCP, the tool list, the
 * explanation, an approval and the check before execution, and each must answer what the one
 * decision answers. In process, on PostgreSQL when TEST_DATABASE_URL is set, else PGlite; 2,000 cases
 * by default (about a minute on the CI machine), 20,000 with PROOF_FULL=1.
 */
// ONE_DECISION_CASES overrides the count (a quick local run, or a longer one).
const CASES = Number(process.env.ONE_DECISION_CASES) || count(2_000, 20_000);

type State = {
  workspacePaused: boolean;
  agentPaused: boolean;
  key: "active" | "retired" | "revoked";
  inScope: boolean;
  integration: "active" | "paused" | "disconnected" | "missing";
  tool: "present" | "removed" | "missing";
  policy: ToolPolicy;
  managerApproval: boolean;
  flagged: boolean;
  definitionChanged: boolean;
};

const stateArbitrary: fc.Arbitrary<State> = fc
  .record({
    workspacePaused: fc.boolean(),
    agentPaused: fc.boolean(),
    key: fc.constantFrom("active", "retired", "revoked"),
    inScope: fc.boolean(),
    integration: fc.constantFrom("active", "paused", "disconnected", "missing"),
    tool: fc.constantFrom("present", "removed", "missing"),
    policy: fc.constantFrom<ToolPolicy>("auto", "approval_needed", "disabled"),
    managerApproval: fc.boolean(),
    flagged: fc.boolean(),
    definitionChanged: fc.boolean(),
  })
  // A rare stop is as interesting as the common path: bias towards "nothing stops it" half the time.
  .chain((state) =>
    fc.boolean().map((clear) =>
      clear
        ? {
            ...state,
            workspacePaused: false,
            agentPaused: false,
            key: "active" as const,
            inScope: true,
            integration: "active" as const,
            tool: "present" as const,
          }
        : state,
    ),
  )
  .map((state) => ({ ...state, managerApproval: state.policy === "approval_needed" && state.managerApproval }));

const CURRENT_HASH = "definition-now";

/** The decision's input for this state, from the test's own description of it. */
function inputOf(state: State, call?: DecisionInput["call"]): DecisionInput {
  return {
    workspace: { agentsPaused: state.workspacePaused },
    agent: { paused: state.agentPaused },
    key: { retired: state.key === "retired", revoked: state.key === "revoked" },
    integration: state.integration === "missing" ? null : { status: state.integration, inAgentScope: state.inScope },
    tool:
      state.integration === "missing" || state.tool === "missing"
        ? null
        : {
            policy: state.policy,
            managerApproval: state.managerApproval,
            technicianApprovals: 1,
            flagged: state.flagged,
            removed: state.tool === "removed",
            definitionHash: state.definitionChanged ? "definition-changed" : CURRENT_HASH,
            // Plan mode is off and no limits are set in this proof's workspace: neither rung is reached.
            readOnly: false,
            // No rules in this proof (server/policy/rules.property.test.ts checks them against a model).
            rules: [],
          },
    planMode: null,
    limits: null,
    arguments: null,
    ...(call ? { call } : {}),
  };
}

/** What the agent is told for a new call: a key that no longer counts is refused before anything is decided. */
function expectedForNewCall(state: State, decision: Decision): string {
  if (state.key !== "active") return "unauthorized";
  if (decision.kind === "reject") return PUBLIC_REJECTIONS[decision.code].code;
  if (decision.kind === "execute") return "succeeded";
  return `pending_approval:${decision.approvals.join("+")}`;
}

let upstream: McpUpstream;
let database: TestDatabase;
let mcp: Client;

beforeAll(async () => {
  upstream = await startMcpUpstream({ tools: [tool("t_op", { inputSchema: { type: "object", properties: { n: { type: "integer" } } } })] });
  process.env.TEST_DRIVER = onPostgres() ? "postgres" : "pglite";
  process.env.TOOLGATE_MCP_APPROVAL_WAIT_MS = "0";
  forgetEnv();
  database = await createTestDatabase();
  resetEventBus();
  installDatabaseHandle(database);
}, 120_000);
afterAll(async () => {
  await mcp?.close().catch(() => {});
  await closeMcpClients();
  installDatabaseHandle(undefined);
  resetEventBus();
  await database?.drop();
  await upstream?.close();
});

describe("one decision at every enforcement point", () => {
  it(`REST, MCP, the tool list, the explanation, an approval and the check before execution agree on ${CASES} random states`, async () => {
    const { db } = database;
    const world = await seedWorld(db, {
      upstream,
      client: { name: `In ${uniqueSuffix()}` },
      name: "Dir",
      agent: { scope: "client" },
    });
    const { workspace, ctx, client: inScope, slug, integrationId, agent } = world;
    const smtp = await sharedSmtpCapture();
    await db
      .update(workspaces)
      .set({
        maxPendingApprovalsPerAgent: 10_000_000,
        smtpSettings: { host: "127.0.0.1", port: smtp.port, secure: false, username: null, from: "t@msp.test" },
      })
      .where(eq(workspaces.id, workspace.id));
    const technician = await createUser(db, workspace.id, { role: "technician" });
    const outOfScope = await createClient(ctx, { name: `Out ${uniqueSuffix()}` });
    const manager = await addPerson(ctx, { clientId: inScope.id, email: `boss-${uniqueSuffix()}@c.test`, name: "Boss" });
    const requesterEmail = `ann-${uniqueSuffix()}@c.test`;
    await addPerson(ctx, { clientId: inScope.id, email: requesterEmail, name: "Ann", managerId: manager.id });
    const toolRow = world.tools[0];
    const [keyRow] = await db.select().from(agentKeys).where(eq(agentKeys.prefix, agent.keyPrefix));
    await db.update(tools).set({ definitionHash: CURRENT_HASH }).where(eq(tools.id, toolRow!.id));

    mcp = new Client({ name: "differential", version: "1.0.0" });
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL("http://toolgate.test/api/mcp"), {
        requestInit: { headers: { Authorization: `Bearer ${agent.key}` } },
        fetch: (url, init) => handleMcpRequest(database, new Request(url, init)),
      }),
    );

    const argumentsOfCall = { n: 1 };
    const digest = argumentsDigest(argumentsOfCall);
    /**
     * In one statement: two calls made earlier with this key, asking a technician's approval (one
     * waiting, one approved and not yet run), then the case's state.
     */
    async function setUp(state: State): Promise<{ pending: { callId: string; requestId: string }; approved: { callId: string } }> {
      const pending = { callId: newId("call"), requestId: newId("approval") };
      const approved = { callId: newId("call"), requestId: newId("approval") };
      const call = (id: string, status: string) =>
        sql`(${id}, ${workspace.id}, ${agent.agentId}, ${keyRow!.id}, ${agent.keyPrefix}, ${integrationId}, ${toolRow!.id}, ${CURRENT_HASH},
             ${inScope.id}, ${slug}, 't_op', ${JSON.stringify(argumentsOfCall)}::jsonb, ${digest}, ${status}::call_status,
             'policy: approval_needed', now() + interval '1 hour', ${status === "approved" ? sql`now()` : null})`;
      const request = (id: string, callId: string, status: string) =>
        sql`(${id}, ${workspace.id}, ${callId}, 'technician', ${status}::approval_status, ${digest}, now() + interval '1 hour',
             ${status === "approved" ? technician.id : null}, ${status === "approved" ? sql`now()` : null})`;
      await db.execute(sql`
        with c as (insert into tool_calls (id, workspace_id, agent_id, agent_key_id, agent_key_prefix, integration_id, tool_id,
                     tool_definition_hash, client_id, integration_slug, tool_name, arguments, arguments_digest, status, decision_reason,
                     expires_at, decided_at)
                   values ${call(pending.callId, "pending_approval")}, ${call(approved.callId, "approved")} returning 1),
        r as (insert into approval_requests (id, workspace_id, call_id, kind, status, arguments_digest, expires_at, decided_by_user_id, decided_at)
              values ${request(pending.requestId, pending.callId, "pending")}, ${request(approved.requestId, approved.callId, "approved")}
              returning 1),
        w as (update workspaces set agents_paused = ${state.workspacePaused} where id = ${workspace.id} returning 1),
        a as (update agents set paused = ${state.agentPaused} where id = ${agent.agentId} returning 1),
        k as (update agent_keys set retired_at = ${state.key === "retired" ? sql`now()` : null}, revoked_at = ${state.key === "revoked" ? sql`now()` : null}
              where id = ${keyRow!.id} returning 1),
        s as (update agent_clients set client_id = ${state.inScope ? inScope.id : outOfScope.id} where agent_id = ${agent.agentId} returning 1),
        i as (update integrations set status = ${state.integration === "missing" ? "active" : state.integration} where id = ${integrationId} returning 1),
        t as (update tools set policy = ${state.policy}, manager_approval = ${state.managerApproval},
              flagged_at = ${state.flagged ? sql`now()` : null}, removed_at = ${state.tool === "removed" ? sql`now()` : null},
              definition_hash = ${state.definitionChanged ? "definition-changed" : CURRENT_HASH}
              where id = ${toolRow!.id} returning 1)
        select (select count(*) from c) + (select count(*) from r) + (select count(*) from w) + (select count(*) from a)
             + (select count(*) from k) + (select count(*) from s) + (select count(*) from i) + (select count(*) from t) as n`);
      return { pending, approved };
    }

    const mismatches: Array<{ path: string; state: State; expected: string; got: string }> = [];
    const check = (path: string, state: State, expected: string, got: string) => {
      if (expected !== got && mismatches.length < 20) mismatches.push({ path, state, expected, got });
      return expected === got;
    };
    let expectedUpstreamCalls = 0;
    const upstreamBefore = upstream.callCount();
    const started = performance.now();
    const timings: Record<string, number> = {};
    const timed = async <T>(path: string, work: () => Promise<T>): Promise<T> => {
      const at = performance.now();
      try {
        return await work();
      } finally {
        timings[path] = (timings[path] ?? 0) + performance.now() - at;
      }
    };

    await fc.assert(
      fc.asyncProperty(stateArbitrary, async (state) => {
        const { pending, approved } = await timed("set-up", () => setUp(state));
        const decision = decide(inputOf(state));
        const newCall = expectedForNewCall(state, decision);
        const names = {
          integration: state.integration === "missing" ? `gone-${slug}` : slug,
          tool: state.tool === "missing" ? "t_missing" : "t_op",
        };
        const envelope = {
          integration: names.integration,
          tool: names.tool,
          arguments: argumentsOfCall,
          requester: { email: requesterEmail },
        };
        let ok = true;

        // REST
        const rest = await timed("rest", () => callRoute(gatewayRequest(agent.key, envelope)));
        const restBody = (await rest.json()) as { status?: string; approvals?: Array<{ kind: string }>; error?: { code: string } };
        const restGot =
          rest.status === 202
            ? `pending_approval:${restBody.approvals!.map((approval) => approval.kind).join("+")}`
            : (restBody.error?.code ?? restBody.status ?? String(rest.status));
        ok = check("rest", state, newCall, restGot) && ok;

        // MCP
        let mcpGot: string;
        try {
          const result = (await timed("mcp", () =>
            mcp.callTool({
              name: `${names.integration}__${names.tool}`,
              arguments: argumentsOfCall,
              _meta: { "toolgate/requester": { email: requesterEmail } },
            }),
          )) as CallToolResult;
          const structured = result.structuredContent as
            { error?: { code: string }; status?: string; approvals?: Array<{ kind: string }> } | undefined;
          mcpGot = result.isError
            ? (structured?.error?.code ?? "error")
            : structured?.status === "pending_approval"
              ? `pending_approval:${structured.approvals!.map((approval) => approval.kind).join("+")}`
              : "succeeded";
        } catch (error) {
          mcpGot = /401|nauthorized/.test(String(error)) ? "unauthorized" : `threw ${String(error).slice(0, 80)}`;
        }
        ok = check("mcp", state, newCall, mcpGot) && ok;
        if (newCall === "succeeded") expectedUpstreamCalls += 2;

        // The tool list
        const list = await timed("tool list", () => toolsRoute(agentGet("/api/gateway/tools", agent.key)));
        const listBody = (await list.json()) as {
          tools?: Array<{ integration: string; name: string; policy: string; managerApproval: boolean }>;
          error?: { code: string };
        };
        const listed = listBody.tools?.find((entry) => entry.integration === names.integration && entry.name === names.tool);
        const listGot = listBody.error
          ? listBody.error.code
          : listed
            ? listed.policy === "auto"
              ? "succeeded"
              : `pending_approval:technician${listed.managerApproval ? "+manager" : ""}`
            : "hidden";
        const listExpected =
          newCall === "unauthorized" || newCall === "agent_paused"
            ? newCall
            : newCall === "succeeded" || newCall.startsWith("pending")
              ? newCall
              : "hidden";
        ok = check("tool list", state, listExpected, listGot) && ok;

        // The explanation (for an active agent in scope, calling an existing tool: what the detail page explains)
        if (!state.agentPaused && state.key === "active" && state.inScope && state.integration !== "missing" && state.tool === "present") {
          const explained = decisionForExplanation({
            toolName: "t_op",
            policy: state.policy,
            managerApproval: state.managerApproval,
            flagged: state.flagged,
            integrationStatus: state.integration,
            integrationSlug: slug,
            agentsPaused: state.workspacePaused,
          });
          ok = check("explanation", state, JSON.stringify(decision), JSON.stringify(explained)) && ok;
        }

        // An approval given now, and the check right before an approved call runs
        // A call made earlier names the integration and tool by id: "missing" names only concern new calls.
        const earlierState: State = {
          ...state,
          integration: state.integration === "missing" ? "active" : state.integration,
          tool: state.tool === "missing" ? "present" : state.tool,
        };
        const madeEarlier = decide(
          inputOf(earlierState, { approvals: ["technician"], definitionHash: CURRENT_HASH, technicianApprovals: 1 }),
        );
        const expectedEarlier = madeEarlier.kind === "reject" ? `cancelled:${madeEarlier.code}` : "goes on";
        const approval = await timed("approval", () =>
          decideApproval(db, {
            workspaceId: workspace.id,
            approvalRequestId: pending.requestId,
            decision: "approve",
            actor: { kind: "user", userId: technician.id, via: "web" },
          }),
        );
        const [afterApproval] = await db.select().from(toolCalls).where(eq(toolCalls.id, pending.callId));
        const approvalGot = approval.outcome === "decided" ? "goes on" : `${afterApproval!.status}:${afterApproval!.errorCode}`;
        ok = check("approval", state, expectedEarlier, approvalGot) && ok;

        const execution = await timed("before execution", () => executeApprovedCall(db, approved.callId));
        const [afterExecution] = await db.select().from(toolCalls).where(eq(toolCalls.id, approved.callId));
        const executionGot = execution === "succeeded" ? "goes on" : `${afterExecution!.status}:${afterExecution!.errorCode}`;
        ok = check("before execution", state, expectedEarlier, executionGot) && ok;
        if (expectedEarlier === "goes on") expectedUpstreamCalls++;
        if (!ok) throw new Error(`The enforcement points disagree: ${JSON.stringify(mismatches.at(-1))}`);
        return ok;
      }),
      { numRuns: CASES, seed: 20261201, endOnFailure: true },
    );
    reportFigure("one-decision cases", CASES);
    reportFigure("one-decision seconds", Math.round((performance.now() - started) / 1000));
    for (const [path, ms] of Object.entries(timings)) reportFigure(`one-decision ms per case, ${path}`, Math.round((ms / CASES) * 10) / 10);
    expect(mismatches).toEqual([]);
    expect(upstream.callCount() - upstreamBefore).toBe(expectedUpstreamCalls);
  }, 3_600_000);
});
