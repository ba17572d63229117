import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as openApiRoute } from "@/app/api/gateway/openapi.json/route";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace, uniqueSuffix } from "@/test/fixtures";
import { createTestAgent } from "@/test/gateway";
import { cancel, getCall, getTools, POST } from "@/test/gateway-routes";
import { routeTable, serveFetch, type RunningServer } from "@/test/http-server";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { createClient } from "../clients/clients";
import { connectIntegration } from "../integrations/connect";
import { closeMcpClients } from "../integrations/connectors/mcp";

/*
 * What an agent developer does with /api/gateway/openapi.json: generate types with
 * openapi-typescript, write a client with openapi-fetch, type-check it, run it. The client below
 * is type-checked against the served document, then that same file makes real calls to the real
 * route handlers over HTTP (each answer also checked against the document).
 */

const database = setupTestDatabase();
const workDir = resolve(".test-tmp", `openapi-client-${uniqueSuffix()}`);
let upstream: McpUpstream;
let gateway: RunningServer;

const CLIENT_SOURCE = `
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

type Tool = components["schemas"]["Tool"];

export async function runAgent(baseUrl: string, key: string, integration: string) {
  const client = createClient<paths>({ baseUrl, headers: { authorization: \`Bearer \${key}\` } });

  const listed = await client.GET("/api/gateway/tools");
  if (!listed.data) throw new Error(\`listTools answered \${listed.response.status}\`);
  const tools: Tool[] = listed.data.tools.filter((entry) => entry.integration === integration);
  const policies = tools.map((entry) => \`\${entry.name}:\${entry.policy}:\${entry.annotations.readOnlyHint}\`);
  // @ts-expect-error a listed tool is never disabled: the policy is a closed set of two.
  const disabled: "disabled" = tools[0]!.policy;
  const etag = listed.response.headers.get("etag")!;
  const unchanged = await client.GET("/api/gateway/tools", { params: { header: { "If-None-Match": \`W/\${etag}\` } } });

  const ran = await client.POST("/api/gateway", {
    body: { integration, tool: "get_user", arguments: { email: "ann@example.test" } },
  });
  if (!ran.data) throw new Error(\`callTool answered \${ran.response.status}\`);
  const read = await client.GET("/api/gateway/calls/{callId}", { params: { path: { callId: ran.data.callId }, query: { wait: 0 } } });
  if (!read.data) throw new Error(\`getCall answered \${read.response.status}\`);
  const finishedAt: string | null = read.data.finishedAt;

  const pending = await client.POST("/api/gateway", {
    params: { header: { "Idempotency-Key": \`reset-\${integration}\` } },
    body: { integration, tool: "reset_password", arguments: { email: "ann@example.test", notify: true }, reason: "Locked out" },
  });
  if (!pending.data) throw new Error(\`callTool answered \${pending.response.status}\`);
  const cancelled = await client.POST("/api/gateway/calls/{callId}/cancel", { params: { path: { callId: pending.data.callId } } });
  if (!cancelled.data) throw new Error(\`cancelCall answered \${cancelled.response.status}\`);
  const replayed = await client.POST("/api/gateway", {
    params: { header: { "Idempotency-Key": \`reset-\${integration}\` } },
    body: { integration, tool: "reset_password", arguments: { email: "ann@example.test", notify: true }, reason: "Locked out" },
  });

  const refused = await client.POST("/api/gateway", { body: { integration, tool: "no_such_tool" } });
  const refusal: string | undefined = refused.error?.error?.code;
  // @ts-expect-error a call names its tool.
  await client.POST("/api/gateway", { body: { integration } }).catch(() => null);

  return {
    policies: policies.sort(),
    disabled,
    unchangedStatus: unchanged.response.status,
    ran: { status: ran.response.status, callStatus: ran.data.status, result: ran.data.result },
    read: { tool: read.data.tool, integration: read.data.integration, createdAt: read.data.createdAt, finishedAt },
    pending: { status: pending.response.status, approvals: pending.data.approvals },
    cancelled: { status: cancelled.data.status, approvals: cancelled.data.approvals?.map((approval) => approval.status) },
    replayed: { status: replayed.response.status, header: replayed.response.headers.get("idempotent-replayed"), callStatus: replayed.data?.status },
    refused: { status: refused.response.status, code: refusal },
  };
}
`;

/** Type-checks the client against the generated schema, as a strict project would. */
function typeErrorsOf(entry: string): string[] {
  const program = ts.createProgram([entry], {
    strict: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
    types: [],
    skipLibCheck: true,
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((diagnostic) => `${diagnostic.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`);
}

beforeAll(async () => {
  upstream = await startMcpUpstream({
    tools: [
      tool("get_user", {
        inputSchema: { type: "object", properties: { email: { type: "string" } }, required: ["email"] },
        annotations: { readOnlyHint: true },
      }),
      tool("reset_password", { inputSchema: { type: "object", properties: { email: { type: "string" }, notify: { type: "boolean" } } } }),
    ],
  });
  const withCallId = (handler: typeof getCall) => (request: Request, match: RegExpMatchArray) =>
    handler(request, { params: Promise.resolve({ callId: match[1]! }) });
  gateway = await serveFetch(
    routeTable([
      [/^\/api\/gateway$/, (request) => POST(request)],
      [/^\/api\/gateway\/tools$/, (request) => getTools(request)],
      [/^\/api\/gateway\/calls\/([^/]+)$/, withCallId(getCall)],
      [/^\/api\/gateway\/calls\/([^/]+)\/cancel$/, withCallId(cancel)],
    ]),
  );
  mkdirSync(workDir, { recursive: true });
});

afterAll(async () => {
  rmSync(workDir, { recursive: true, force: true });
  await gateway?.close();
  await closeMcpClients();
  await upstream?.close();
});

describe("a client generated from /api/gateway/openapi.json", () => {
  it("type-checks (openapi-typescript + openapi-fetch) and lists, calls, reads and cancels through the real routes", async () => {
    const { db } = database();
    const workspace = await createWorkspace(db);
    const admin = await createUser(db, workspace.id);
    const ctx = { db, user: admin };
    const client = await createClient(ctx, { name: `Client ${uniqueSuffix()}` });
    const slug = `dir-${uniqueSuffix()}`;
    await connectIntegration(ctx, { clientId: client.id, name: "Directory", slug, settings: { kind: "mcp", url: upstream.url } });
    const agent = await createTestAgent(db, admin);

    const document = await (await openApiRoute(new Request("http://localhost/api/gateway/openapi.json"))).json();
    writeFileSync(join(workDir, "schema.d.ts"), astToString(await openapiTS(document)));
    const entry = join(workDir, "agent.ts");
    writeFileSync(entry, CLIENT_SOURCE);
    expect(typeErrorsOf(entry)).toEqual([]);

    const { runAgent } = (await import(/* @vite-ignore */ pathToFileURL(entry).href)) as {
      runAgent: (baseUrl: string, key: string, integration: string) => Promise<Record<string, unknown>>;
    };
    const outcome = await runAgent(gateway.url, agent.key, slug);
    expect(outcome).toMatchObject({
      policies: ["get_user:auto:true", "reset_password:approval_needed:false"],
      unchangedStatus: 304,
      ran: {
        status: 200,
        callStatus: "succeeded",
        result: { structuredContent: { tool: "get_user", arguments: { email: "ann@example.test" } } },
      },
      read: { tool: "get_user", integration: slug },
      pending: { status: 202, approvals: [{ kind: "technician", status: "pending" }] },
      cancelled: { status: "cancelled", approvals: ["cancelled"] },
      replayed: { status: 200, header: "true", callStatus: "cancelled" },
      refused: { status: 404, code: "unknown_tool" },
    });
    const read = outcome.read as { createdAt: string; finishedAt: string };
    expect(Date.parse(read.finishedAt)).toBeGreaterThanOrEqual(Date.parse(read.createdAt));
  });
});
