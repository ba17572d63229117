import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgetEnv } from "../env";
import { approvalRequests, integrations, toolCalls, tools } from "@/db/schema";
import { POST as restCall } from "@/test/gateway-routes";
import { assertResponseMatchesDocument } from "@/test/openapi-contract";
import { GET as wellKnown } from "@/app/.well-known/[...path]/route";
import { POST as register } from "@/app/register/route";
import { GET as unknownGatewayPath } from "@/app/api/gateway/[...path]/route";
import { approvalWorld, type ApprovalWorld } from "@/test/approval-world";
import { setupTestDatabase } from "@/test/database";
import { uniqueSuffix } from "@/test/fixtures";
import { gatewayRequest } from "@/test/gateway";
import { serveFetch, type RunningServer } from "@/test/http-server";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { decideApproval } from "../approvals/decide";
import { closeMcpClients } from "../integrations/connectors/mcp";
import { connectIntegration } from "../integrations/connect";
import { MCP_NAME_MAX, setMcpPrefix } from "../integrations/mcp-names";
import { resyncIntegration } from "../integrations/sync";
import { handleMcpRequest } from "./mcp-endpoint";
import { REQUESTER_ARGUMENT } from "./call-hints";

const database = setupTestDatabase();
let upstream: McpUpstream;
let endpoint: RunningServer;
const outputSchema = { type: "object", properties: { tool: { type: "string" }, arguments: { type: "object" } }, required: ["tool"] };

beforeAll(async () => {
  upstream = await startMcpUpstream({
    tools: [
      tool("get_user", { annotations: { readOnlyHint: true, openWorldHint: false }, outputSchema } as never),
      tool("reset_password", { annotations: { readOnlyHint: true } }),
      tool("delete_user", { annotations: { readOnlyHint: true, destructiveHint: false } }),
    ],
  });
  endpoint = await serveFetch((request) => handleMcpRequest(database(), request));
  process.env.TOOLGATE_MCP_APPROVAL_WAIT_MS = "1500";
  forgetEnv();
});
afterAll(async () => {
  await closeMcpClients();
  await Promise.all([upstream.close(), endpoint.close()]);
});

async function connectAgent(world: ApprovalWorld, headers: Record<string, string> = {}) {
  const mcp = new Client({ name: "contract-test", version: "1.0.0" });
  await mcp.connect(
    new StreamableHTTPClientTransport(new URL(`${endpoint.url}/api/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${world.agent.key}`, ...headers } },
    }),
  );
  return mcp;
}

const structured = (result: unknown) => (result as CallToolResult).structuredContent as Record<string, unknown>;

describe("/api/mcp as agent frameworks expect it", () => {
  it("answers the notification stream's headers at once, with a priming comment, not with the first keep-alive", async () => {
    const world = await approvalWorld(database(), upstream);
    const started = performance.now();
    const controller = new AbortController();
    const response = await Promise.race([
      fetch(`${endpoint.url}/api/mcp`, {
        headers: { authorization: `Bearer ${world.agent.key}`, accept: "text/event-stream" },
        signal: controller.signal,
      }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no headers within 5 s")), 5_000)),
    ]);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const first = await response.body!.getReader().read();
    expect(new TextDecoder().decode(first.value)).toMatch(/^: /);
    console.log(`notification stream: headers and first bytes after ${Math.round(performance.now() - started)} ms`);
    controller.abort();
  });

  it("lists annotations that agree with Toolgate's classification and policy, and the policy in _meta", async () => {
    const world = await approvalWorld(database(), upstream);
    await world.setPolicy("get_user", "auto");
    const mcp = await connectAgent(world);
    const { tools: listed } = await mcp.listTools();
    const byTool = (name: string) => listed.find((entry) => entry.name === `${world.slug}__${name}`)!;
    // A write never claims to be read-only, whatever the upstream says.
    expect(byTool("delete_user").annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false });
    expect(byTool("reset_password").annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(byTool("reset_password")._meta).toEqual({ "toolgate/policy": "approval_needed", "toolgate/managerApproval": true });
    expect(byTool("get_user").annotations).toMatchObject({ readOnlyHint: true, openWorldHint: false });
    expect(byTool("get_user")._meta).toEqual({ "toolgate/policy": "auto", "toolgate/managerApproval": false });
    await mcp.close();
  });

  it("takes the requester from a header, a plain e-mail in _meta, or an argument the model fills (stripped before anything runs), and refuses two that disagree", async () => {
    const world = await approvalWorld(database(), upstream);
    const viaHeader = await connectAgent(world, { "Toolgate-Requester": world.annEmail, "Toolgate-Reason": "locked out" });
    const name = `${world.slug}__reset_password`;
    const { tools: listed } = await viaHeader.listTools();
    const schema = listed.find((entry) => entry.name === name)!.inputSchema as { properties: Record<string, unknown> };
    expect(schema.properties[REQUESTER_ARGUMENT]).toMatchObject({ type: "string", format: "email" });

    const fromHeader = structured(await viaHeader.callTool({ name, arguments: { email: world.annEmail } }));
    expect(fromHeader.status).toBe("pending_approval");
    const stored = async (callId: unknown) =>
      (
        await world.db
          .select()
          .from(toolCalls)
          .where(eq(toolCalls.id, String(callId)))
      )[0]!;
    expect(await stored(fromHeader.callId)).toMatchObject({
      requesterEmail: world.annEmail,
      requesterSource: "named_by_agent",
      reason: "locked out",
    });

    const plain = await connectAgent(world);
    const fromMeta = structured(
      await plain.callTool({ name, arguments: { email: world.annEmail }, _meta: { "toolgate/requester": world.annEmail } }),
    );
    expect(await stored(fromMeta.callId)).toMatchObject({ requesterEmail: world.annEmail, requesterSource: "named_by_agent" });

    const fromModel = structured(
      await plain.callTool({ name, arguments: { email: world.annEmail, [REQUESTER_ARGUMENT]: world.annEmail } }),
    );
    const modelCall = await stored(fromModel.callId);
    expect(modelCall).toMatchObject({ requesterEmail: world.annEmail, requesterSource: "named_by_model" });
    expect(modelCall.arguments).toEqual({ email: world.annEmail });

    const conflict = (await viaHeader.callTool({
      name,
      arguments: { email: world.annEmail, [REQUESTER_ARGUMENT]: `someone-${uniqueSuffix()}@contoso.test` },
    })) as CallToolResult;
    expect(conflict.isError).toBe(true);
    expect(structured(conflict)).toMatchObject({ error: { code: "requester_conflict" } });

    // REST takes the same header.
    const rest = await restCall(
      gatewayRequest(
        world.agent.key,
        { integration: world.slug, tool: "reset_password", arguments: { email: world.annEmail } },
        {
          "toolgate-requester": world.annEmail,
        },
      ),
    );
    expect(rest.status).toBe(202);
    await Promise.all([viaHeader.close(), plain.close()]);
  });

  it("long-polls the call status with waitSeconds, and sends progress notifications while a call waits for approval", async () => {
    const world = await approvalWorld(database(), upstream);
    const mcp = await connectAgent(world);
    const progress: string[] = [];
    const pending = structured(
      await mcp.callTool({ name: `${world.slug}__delete_user`, arguments: { email: world.annEmail } }, undefined, {
        onprogress: (notification) => void progress.push(notification.message ?? ""),
      }),
    );
    expect(pending.status).toBe("pending_approval");
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toMatch(/Waiting for approval \(technician\)/);

    const [request] = await world.db
      .select()
      .from(approvalRequests)
      .where(eq(approvalRequests.callId, String(pending.callId)));
    setTimeout(
      () =>
        void decideApproval(world.db, {
          workspaceId: world.workspace.id,
          approvalRequestId: request!.id,
          decision: "deny",
          comment: "no",
          actor: { kind: "user", userId: world.technician.id, via: "web" },
        }),
      500,
    );
    const started = performance.now();
    const status = (await mcp.callTool({
      name: "toolgate_call_status",
      arguments: { callId: pending.callId, waitSeconds: 99 },
    })) as CallToolResult;
    expect(status.isError).toBe(true);
    expect(structured(status)).toMatchObject({ status: "denied" });
    console.log(`call status long-poll answered ${Math.round(performance.now() - started)} ms after it was asked (decision after 500 ms)`);
    await mcp.close();
  });

  it("advertises an output schema only while the tool runs at once; a result that waits is an error, so the SDK client never rejects it", async () => {
    const world = await approvalWorld(database(), upstream);
    await world.setPolicy("get_user", "auto");
    const mcp = await connectAgent(world);
    const name = `${world.slug}__get_user`;
    const listed = (await mcp.listTools()).tools.find((entry) => entry.name === name)!;
    expect(listed.outputSchema).toMatchObject({ type: "object", required: ["tool"] });
    const ran = (await mcp.callTool({ name, arguments: { email: "a@b.test" } })) as CallToolResult;
    expect(ran.isError).toBeFalsy();
    expect(structured(ran)).toMatchObject({ tool: "get_user" });

    // The client still holds the output schema when the policy changes under it.
    await world.setPolicy("get_user", "approval_needed");
    const waiting = (await mcp.callTool({ name, arguments: { email: "a@b.test" } })) as CallToolResult;
    expect(waiting.isError).toBe(true);
    expect(JSON.stringify(waiting.content)).toMatch(/pending_approval/);
    await world.setPolicy("get_user", "disabled");
    const refused = (await mcp.callTool({ name, arguments: { email: "a@b.test" } })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toMatch(/tool_disabled/);
    await world.setPolicy("get_user", "approval_needed");
    const relisted = (await mcp.listTools()).tools.find((entry) => entry.name === name)!;
    expect(relisted.outputSchema).toBeUndefined();
    await mcp.close();
  });

  it("stores each tool's MCP name: at most 48 characters, the same after a re-sync, renamed with a shorter prefix, and callable by it", async () => {
    const world = await approvalWorld(database(), upstream);
    const slug = `long-slug-for-the-contoso-tenant-${uniqueSuffix()}`.slice(0, 40);
    const { integrationId } = await connectIntegration(world.ctx, {
      clientId: world.client.id,
      name: "Long",
      slug,
      settings: { kind: "mcp", url: upstream.url },
    });
    const names = async () =>
      Object.fromEntries(
        (await world.db.select({ name: tools.name, mcpName: tools.mcpName }).from(tools).where(eq(tools.integrationId, integrationId))).map(
          (row) => [row.name, row.mcpName!],
        ),
      );
    const first = await names();
    for (const name of Object.values(first)) expect(name.length).toBeLessThanOrEqual(MCP_NAME_MAX);
    expect(first.get_user).toMatch(/_[0-9a-f]{8}$/);
    await resyncIntegration(world.ctx, { integrationId });
    expect(await names()).toEqual(first);

    await setMcpPrefix(world.ctx, { integrationId, prefix: "long" });
    const renamed = await names();
    expect(renamed.get_user).toBe("long__get_user");
    const [integration] = await world.db.select().from(integrations).where(eq(integrations.id, integrationId));
    expect(integration!.mcpPrefix).toBe("long");
    await expect(setMcpPrefix(world.ctx, { integrationId, prefix: "Not A Prefix" })).rejects.toThrow(/lowercase/);

    const mcp = await connectAgent(world);
    const listedNames = (await mcp.listTools()).tools.map((entry) => entry.name);
    expect(listedNames).toContain("long__get_user");
    const [toolRow] = await world.db
      .select()
      .from(tools)
      .where(and(eq(tools.integrationId, integrationId), eq(tools.name, "get_user")));
    await world.db.update(tools).set({ policy: "auto" }).where(eq(tools.id, toolRow!.id));
    const ran = (await mcp.callTool({ name: "long__get_user", arguments: { email: "a@b.test" } })) as CallToolResult;
    expect(ran.isError).toBeFalsy();
    await mcp.close();
  });

  it("fails a bad key fast and readably: 401 with WWW-Authenticate on MCP and REST, JSON 404s for OAuth discovery, registration and unknown API paths", async () => {
    const mcpResponse = await fetch(`${endpoint.url}/api/mcp`, {
      method: "POST",
      headers: { authorization: "Bearer tg_wrong", "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: {} }),
    });
    expect(mcpResponse.status).toBe(401);
    await assertResponseMatchesDocument(new Request(`${endpoint.url}/api/mcp`, { method: "POST" }), mcpResponse.clone());
    expect(mcpResponse.headers.get("www-authenticate")).toMatch(/^Bearer realm="toolgate", error="invalid_token", error_description="/);
    const rest = await restCall(gatewayRequest("tg_wrong", { integration: "x", tool: "y" }));
    expect(rest.status).toBe(401);
    expect(rest.headers.get("www-authenticate")).toMatch(/error="invalid_token"/);
    for (const response of [
      await wellKnown(),
      await register(),
      await unknownGatewayPath(new Request("http://localhost/api/gateway/nope")),
    ]) {
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/application\/json/);
      expect(((await response.json()) as { error: { code: string; message: string } }).error.code).toBe("not_found");
    }
  });
});
