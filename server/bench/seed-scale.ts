import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { integrations, tools, workspaces } from "@/db/schema";
import { definitionHash } from "../integrations/definition-hash";

export const SCALE = { workspaces: 50, integrations: 50, tools: 2_000 } as const;

/**
 * The bench's scale case (benchmark only): other tenants and tools beside the benched workspace —
 * 49 more workspaces with one MCP integration each, and one more in the benched workspace, 40 tools
 * each (50 workspaces, 50 integrations, 2,000 tools in all). Their upstream is never called: they
 * are there so the bench can show that a call's cost does not grow with them.
 */
export async function seedScaleWorld(db: Database, benchedIntegrationSlug: string): Promise<typeof SCALE> {
  const [benched] = await db
    .select({ workspaceId: integrations.workspaceId })
    .from(integrations)
    .where(eq(integrations.slug, benchedIntegrationSlug))
    .limit(1);
  if (!benched) throw new Error(`no integration with the slug ${benchedIntegrationSlug}`);
  const tag = Date.now().toString(36);
  const others = await db
    .insert(workspaces)
    .values(Array.from({ length: SCALE.workspaces - 1 }, (_, index) => ({ name: `Scale MSP ${index}`, slug: `scale-${tag}-${index}` })))
    .returning({ id: workspaces.id });
  const owners = [benched.workspaceId, ...others.map((workspace) => workspace.id)];
  const toolsPerIntegration = SCALE.tools / SCALE.integrations;
  for (const [index, workspaceId] of owners.entries()) {
    const slug = `scale-${index}`;
    const [integration] = await db
      .insert(integrations)
      .values({ workspaceId, kind: "mcp", slug, name: `Scale ${index}`, config: { url: "http://127.0.0.1:9/mcp" } })
      .returning({ id: integrations.id });
    await db.insert(tools).values(
      Array.from({ length: toolsPerIntegration }, (_, number) => {
        const name = `scale_tool_${number}`;
        const inputSchema = { type: "object", properties: { id: { type: "number" } } };
        return {
          workspaceId,
          integrationId: integration!.id,
          name,
          description: `Scale tool ${number}`,
          inputSchema,
          definitionHash: definitionHash({ title: null, description: `Scale tool ${number}`, inputSchema, annotations: {} }),
          policy: number % 2 ? ("auto" as const) : ("approval_needed" as const),
          seededPolicy: "approval_needed" as const,
          seededReason: "bench scale case",
          mcpName: `${slug}__${name}`,
        };
      }),
    );
  }
  // Measure the steady state, as autovacuum leaves it a minute after a bulk load: without this its
  // vacuum and analyze of the new rows run during the measured rounds (on two cores, beside the app).
  await db.execute(sql`vacuum (analyze) workspaces, integrations, tools`);
  return SCALE;
}
