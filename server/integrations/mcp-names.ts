import { and, eq, sql } from "drizzle-orm";
import type { Transaction } from "@/db";
import { integrations, tools, workspaces } from "@/db/schema";
import { recordAudit } from "../audit/record";
import type { UserContext } from "../context";
import { ServiceError } from "../errors";
import { sha256Hex } from "../crypto/tokens";
import { loadIntegration } from "./load";
import { recordAccessChange } from "./toolset-version";

/** MCP tool names stay within this length: some clients hash longer names (`…_2e8be348`). */
export const MCP_NAME_MAX = 48;

const clean = (value: string) => value.replace(/[^A-Za-z0-9_-]/g, "_");

export type NamedTool = { id: string; integrationId: string; prefix: string; name: string; mcpName: string | null };

/**
 * MCP names for the tools that need one, given the names already held (pure): `<prefix>__<tool>`
 * made valid for every client (`^[A-Za-z0-9_-]+$`, at most 48 characters). A name too long, taken
 * by another tool, or wanted by two new tools at once gets a suffix derived from the integration
 * and tool (so the same tool always gets the same name); names already held never change. The
 * migration that named existing tools (0006) follows the same rule.
 */
export function assignMcpNames(held: Iterable<string>, wanting: Array<Omit<NamedTool, "mcpName">>): Map<string, string> {
  const taken = new Set(held);
  const base = (tool: Omit<NamedTool, "mcpName">) => clean(`${tool.prefix}__${tool.name}`);
  const wanted = new Map<string, number>();
  for (const tool of wanting) wanted.set(base(tool), (wanted.get(base(tool)) ?? 0) + 1);
  const assigned = new Map<string, string>();
  const ordered = [...wanting].sort((a, b) => (a.integrationId + a.name < b.integrationId + b.name ? -1 : 1));
  for (const tool of ordered) {
    const plain = base(tool);
    const hash = sha256Hex(`${tool.integrationId}/${tool.name}`);
    const candidates = [
      ...(plain.length <= MCP_NAME_MAX && wanted.get(plain) === 1 ? [plain] : []),
      ...[8, 12, 16, 24].map((length) => `${plain.slice(0, MCP_NAME_MAX - length - 1)}_${hash.slice(0, length)}`),
    ];
    const name = candidates.find((candidate) => !taken.has(candidate))!;
    taken.add(name);
    assigned.set(tool.id, name);
  }
  return assigned;
}

/**
 * Gives every tool of the workspace that has no MCP name one (new tools; with `renamed`, every tool
 * of that integration, whose prefix changed), inside the caller's transaction. The workspace row is
 * locked, so two syncs cannot hand out the same name.
 */
export async function nameToolsForMcp(tx: Transaction, workspaceId: string, options: { renamed?: string } = {}): Promise<number> {
  await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, workspaceId)).for("update");
  const rows = await tx
    .select({
      id: tools.id,
      integrationId: tools.integrationId,
      name: tools.name,
      mcpName: tools.mcpName,
      prefix: sql<string>`coalesce(${integrations.mcpPrefix}, ${integrations.slug})`,
    })
    .from(tools)
    .innerJoin(integrations, eq(integrations.id, tools.integrationId))
    .where(eq(tools.workspaceId, workspaceId));
  const needs = (row: NamedTool) => row.mcpName === null || row.integrationId === options.renamed;
  const held = rows.filter((row) => !needs(row)).map((row) => row.mcpName!);
  const assigned = assignMcpNames(held, rows.filter(needs));
  if (assigned.size === 0) return 0;
  if (options.renamed)
    await tx
      .update(tools)
      .set({ mcpName: null })
      .where(and(eq(tools.integrationId, options.renamed), eq(tools.workspaceId, workspaceId)));
  await tx.execute(sql`
    update tools t set mcp_name = v.mcp_name
    from jsonb_to_recordset(${JSON.stringify([...assigned].map(([id, mcpName]) => ({ id, mcp_name: mcpName })))}::jsonb)
      as v(id text, mcp_name text)
    where t.id = v.id and t.workspace_id = ${workspaceId}`);
  return assigned.size;
}

const PREFIX_PATTERN = /^[a-z0-9][a-z0-9-]{0,19}$/;

/**
 * Sets the prefix of an integration's MCP tool names (null: its slug), so long slugs do not push
 * names past what clients accept. Its tools are renamed in the same transaction and agents are
 * told (their tool list changed).
 */
export async function setMcpPrefix(
  ctx: UserContext,
  input: { integrationId: string; prefix: string | null },
): Promise<{ renamed: number }> {
  const integration = await loadIntegration(ctx.db, ctx.user.workspaceId, input.integrationId);
  const prefix = input.prefix?.trim() || null;
  if (prefix !== null && !PREFIX_PATTERN.test(prefix))
    throw new ServiceError(
      "invalid_input",
      "The prefix must be 1–20 lowercase letters, digits or dashes, starting with a letter or digit.",
    );
  return ctx.db.transaction(async (tx) => {
    await tx
      .update(integrations)
      .set({ mcpPrefix: prefix, revision: sql`${integrations.revision} + 1` })
      .where(and(eq(integrations.id, integration.id), eq(integrations.workspaceId, ctx.user.workspaceId)));
    const renamed = await nameToolsForMcp(tx, ctx.user.workspaceId, { renamed: integration.id });
    await recordAudit(tx, {
      workspaceId: ctx.user.workspaceId,
      actorType: "user",
      actorId: ctx.user.id,
      action: "integration.mcp_prefix_changed",
      clientId: integration.clientId,
      subjectType: "integration",
      subjectId: integration.id,
      data: { from: integration.mcpPrefix, to: prefix },
    });
    await recordAccessChange(tx, {
      workspaceId: ctx.user.workspaceId,
      cause: "integration.mcp_prefix_changed",
      actor: { type: "user", id: ctx.user.id },
    });
    return { renamed };
  });
}
