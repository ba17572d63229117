import { eq } from "drizzle-orm";
import type { Database } from "@/db";
import { agents, toolCalls, workspaces } from "@/db/schema";
import { webhookSecretContext } from "../agents/manage-agents";
import { openSecret } from "../crypto/secret-box";
import { listToolsForAgent } from "../gateway/agent-tools";
import { loadCallView } from "../gateway/call-status";
import { assertAllowedUpstreamUrl } from "../integrations/upstream-url";
import { PermanentJobError, RetryLaterError } from "../jobs/errors";
import { outboundFetch } from "../net/outbound-fetch";
import type { JobRow } from "../jobs/worker";
import { SIGNATURE_HEADER, signWebhook } from "./sign";

async function post(agent: typeof agents.$inferSelect, payload: Record<string, unknown>): Promise<void> {
  if (!agent.webhookUrl || !agent.webhookSecretCiphertext) return;
  const url = await assertAllowedUpstreamUrl(agent.webhookUrl).catch((error: Error) => {
    throw new PermanentJobError(error.message);
  });
  const body = JSON.stringify(payload);
  const secret = openSecret<string>(agent.webhookSecretCiphertext, webhookSecretContext(agent.id));
  const response = await outboundFetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signWebhook(secret, body), "user-agent": "Toolgate-Webhooks/1" },
    body,
    redirect: "manual",
    signal: AbortSignal.timeout(10_000),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status === 429)
    throw new RetryLaterError(`the agent's webhook answered 429`, Number(response.headers.get("retry-after") ?? 30) * 1000);
  if (!response.ok) throw new Error(`the agent's webhook answered HTTP ${response.status}`);
}

async function loadAgent(db: Database, agentId: unknown) {
  const [agent] = await db
    .select()
    .from(agents)
    .where(eq(agents.id, String(agentId)));
  return agent ?? null;
}

/** Tells an agent its tool list changed, with the new list (signed; retried with backoff by the outbox). */
export async function deliverConfigWebhook(job: JobRow, db: Database): Promise<void> {
  const agent = await loadAgent(db, job.payload.agentId);
  if (!agent?.webhookUrl) return;
  const [workspace] = await db
    .select({ version: workspaces.toolsetVersion, paused: workspaces.agentsPaused })
    .from(workspaces)
    .where(eq(workspaces.id, agent.workspaceId));
  const paused = agent.paused || Boolean(workspace?.paused);
  const tools = await listToolsForAgent(db, { id: agent.id, workspaceId: agent.workspaceId });
  await post(agent, {
    type: "toolset.changed",
    agentId: agent.id,
    version: workspace?.version ?? job.payload.version,
    paused,
    cause: job.payload.cause,
    tools: tools.map(({ integration, name, description, inputSchema, policy, managerApproval }) => ({
      integration,
      name,
      description,
      inputSchema,
      policy,
      managerApproval,
    })),
  });
}

/** Tells an agent how one of its calls ended. */
export async function deliverCallWebhook(job: JobRow, db: Database): Promise<void> {
  const [call] = await db
    .select({ agentId: toolCalls.agentId, workspaceId: toolCalls.workspaceId })
    .from(toolCalls)
    .where(eq(toolCalls.id, String(job.payload.callId)));
  if (!call) return;
  const agent = await loadAgent(db, call.agentId);
  if (!agent?.webhookUrl) return;
  const view = await loadCallView(db, { workspaceId: call.workspaceId, agentId: call.agentId }, String(job.payload.callId));
  await post(agent, { type: "call.finished", agentId: agent.id, call: view });
}
