import { afterAll, beforeAll } from "vitest";
import { startMcpUpstream, tool, type McpUpstream } from "../mcp-upstream";
import { proofWorld, type ProofWorld } from "../proof/world";

/** How long a `tools/call` that needs approval waits for it before answering "pending" (the app's default is 50 s). */
export const APPROVAL_WAIT_MS = 20_000;

export const REQUESTER = "ann@client-a.test";
export const OUTPUT_SCHEMA = {
  type: "object",
  properties: { tool: { type: "string" }, arguments: { type: "object" } },
  required: ["tool"],
};

export type AgentsWorld = ProofWorld & {
  upstream: McpUpstream;
  key: string;
  agentId: string;
  mcpUrl: URL;
  /** The agent's latest calls, as the Activity page lists them. */
  activity(): Promise<Array<{ tool: string; status: string; requesterEmail: string | null }>>;
  /** The MCP name an agent sees for an upstream tool of integration dir-a. */
  toolName(name: string): string;
  /** The pending approval request of a call, once it exists (from the admin's inbox). */
  pendingApproval(callId: string): Promise<{ id: string; call: { requesterEmail: string | null; requesterSource: string | null } }>;
  decide(approvalRequestId: string, decision: "approve" | "deny"): Promise<void>;
};

/**
 * A production build (`next start`, PGlite or TEST_DATABASE_URL) as an agent's host meets it: an
 * instrumented MCP upstream connected as integration dir-a, and one agent key. Shared by the
 * test/agents suites, each file on its own app and database.
 */
export function setupAgentsWorld(): () => AgentsWorld {
  let world: AgentsWorld | undefined;
  let upstream: McpUpstream | undefined;
  beforeAll(async () => {
    upstream = await startMcpUpstream({
      tools: [
        tool("get_user", { annotations: { readOnlyHint: true }, outputSchema: OUTPUT_SCHEMA } as never),
        tool("list_users", { annotations: { readOnlyHint: true } }),
        tool("delete_user", { annotations: { destructiveHint: true } }),
      ],
    });
    const base = await proofWorld(upstream, { env: { TOOLGATE_MCP_APPROVAL_WAIT_MS: String(APPROVAL_WAIT_MS) } });
    await base.setPolicies("dir-a", { get_user: "auto", list_users: "auto", delete_user: "approval_needed" });
    const { key, agentId } = await base.createAgent("agents-suite");
    const names = await listedNames(base.app.url, key);
    world = {
      ...base,
      upstream,
      key,
      agentId,
      activity: () => base.api.activity.list.query({ agentId }),
      mcpUrl: new URL(`${base.app.url}/api/mcp`),
      toolName(name) {
        const found = names.find((entry) => entry.startsWith("dir-a") && entry.endsWith(`__${name}`));
        if (!found) throw new Error(`no MCP tool for dir-a ${name} among ${names.join(", ")}`);
        return found;
      },
      async pendingApproval(callId) {
        const deadline = Date.now() + 10_000;
        for (;;) {
          const inbox = await base.api.approvals.inbox.query({ callId });
          const pending = inbox.items.find((item) => item.status === "pending");
          if (pending) return pending;
          if (Date.now() > deadline) throw new Error(`call ${callId} has no pending approval`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      },
      async decide(approvalRequestId, decision) {
        await base.api.approvals.decide.mutate({ approvalRequestId, decision });
      },
    };
  }, 180_000);
  afterAll(async () => {
    await world?.close();
    await upstream?.close();
  });
  return () => world!;
}

async function listedNames(baseUrl: string, key: string): Promise<string[]> {
  const response = await fetch(`${baseUrl}/api/mcp`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
  });
  const body = (await response.json()) as { result: { tools: Array<{ name: string }> } };
  return body.result.tools.map((entry) => entry.name);
}

/** Resolves with the value, or rejects after `ms` (a generous bound on ordering, never a latency assertion). */
export function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
    }),
  ]);
}

/** Latencies are printed for the run's log, not asserted. */
export function reportLatency(what: string, ms: number): void {
  process.stdout.write(`agents: ${what} = ${Math.round(ms)} ms\n`);
}
