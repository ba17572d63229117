import type { Database } from "@/db";
import { agents, integrations, toolCalls, tools, workspaces, type CallStatus } from "@/db/schema";
import { definitionHash } from "../integrations/definition-hash";

/**
 * The impact preview's bench world (benchmark only): one workspace with one integration of
 * `toolCount` tools and `calls` stored calls spread over the last six days — runs, approvals and
 * refusals in the proportions a busy helpdesk agent leaves behind. Inserted in chunks.
 */
export async function seedImpactWorld(db: Database, options: { calls: number; toolCount?: number }) {
  const toolCount = options.toolCount ?? 40;
  const tag = Date.now().toString(36);
  const [workspace] = await db
    .insert(workspaces)
    .values({ name: "Impact bench MSP", slug: `impact-${tag}` })
    .returning({ id: workspaces.id });
  const workspaceId = workspace!.id;
  const [agent] = await db
    .insert(agents)
    .values({ workspaceId, name: "Bench agent", allClients: true, mspWide: true })
    .returning({ id: agents.id });
  const [integration] = await db
    .insert(integrations)
    .values({ workspaceId, kind: "mcp", slug: "impact", name: "Impact bench", config: { url: "http://127.0.0.1:9/mcp" } })
    .returning({ id: integrations.id });
  const toolRows = await db
    .insert(tools)
    .values(
      Array.from({ length: toolCount }, (_, number) => {
        const name = `impact_tool_${number}`;
        const inputSchema = { type: "object", properties: { group: { type: "string" } } };
        return {
          workspaceId,
          integrationId: integration!.id,
          name,
          description: `Impact tool ${number}`,
          inputSchema,
          definitionHash: definitionHash({ title: null, description: `Impact tool ${number}`, inputSchema, annotations: {} }),
          policy: number % 3 === 0 ? ("approval_needed" as const) : ("auto" as const),
          seededPolicy: "approval_needed" as const,
          seededReason: "bench impact case",
          mcpName: `impact__${name}`,
        };
      }),
    )
    .returning({ id: tools.id, name: tools.name, policy: tools.policy });
  const now = Date.now();
  const span = 6 * 86_400_000;
  for (let start = 0; start < options.calls; start += 1_000) {
    const rows = Array.from({ length: Math.min(1_000, options.calls - start) }, (_, offset) => {
      const index = start + offset;
      const tool = toolRows[index % toolRows.length]!;
      const refused = index % 17 === 0;
      const approval = !refused && tool.policy === "approval_needed";
      const status: CallStatus = refused ? "rejected" : approval ? "succeeded" : index % 11 === 0 ? "failed" : "succeeded";
      return {
        workspaceId,
        agentId: agent!.id,
        agentKeyPrefix: "tg_bench",
        integrationId: integration!.id,
        toolId: tool.id,
        integrationSlug: "impact",
        toolName: tool.name,
        arguments: { group: index % 5 === 0 ? "Domain Admins" : "Marketing", email: `user${index % 300}@example.test` },
        argumentsDigest: `digest-${index}`,
        requesterEmail: `user${index % 300}@example.test`,
        status,
        decisionReason: "bench",
        errorCode: refused ? "rate_limited" : null,
        expiresAt: approval ? new Date(now + 86_400_000) : null,
        createdAt: new Date(now - Math.floor((index / options.calls) * span)),
      };
    });
    await db.insert(toolCalls).values(rows);
  }
  return { workspaceId, integrationId: integration!.id, tools: toolRows };
}
