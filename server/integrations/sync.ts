import { and, eq, inArray, sql } from "drizzle-orm";
import { integrations, tools } from "@/db/schema";
import { recordAudit } from "../audit/record";
import type { UserContext } from "../context";
import { ServiceError } from "../errors";
import { connectorFor } from "./connectors";
import { UpstreamError } from "./connectors/types";
import { connectionTargetOf } from "./credentials";
import { definitionHash } from "./definition-hash";
import { loadIntegration } from "./load";
import { normaliseDiscoveredTools, reclassified, refusedTools, seededToolRow } from "./seed-tools";
import { nameToolsForMcp } from "./mcp-names";
import { recordAccessChange } from "./toolset-version";

export type ResyncSummary = {
  added: string[];
  removed: string[];
  changed: string[];
  restored: string[];
  unchanged: number;
  /** Tools the upstream offers that Toolgate will not take, with why. */
  refused: Array<{ name: string; reason: string }>;
};

/**
 * Re-reads an integration's tools. New tools are seeded; an admin's choice is never overwritten;
 * tools gone upstream are marked removed (kept for history, hidden from agents); a tool whose
 * definition changed is flagged, which makes it need approval until an admin confirms it.
 * Discovery happens before the transaction; the changes, the revision bump (which makes any open
 * detail page's save stale) and the toolset-version bump happen in one.
 */
export async function resyncIntegration({ db, user }: UserContext, input: { integrationId: string }): Promise<ResyncSummary> {
  const integration = await loadIntegration(db, user.workspaceId, input.integrationId);
  if (integration.status === "disconnected")
    throw new ServiceError("conflict", "This integration is disconnected: reconnect it before re-syncing.");
  let discovered;
  let refused: ResyncSummary["refused"];
  try {
    const listed = await connectorFor(connectionTargetOf(integration)).listTools();
    discovered = normaliseDiscoveredTools(listed);
    refused = refusedTools(listed);
  } catch (error) {
    const message = error instanceof UpstreamError ? error.message : error instanceof Error ? error.message : String(error);
    await db.update(integrations).set({ lastSyncError: message }).where(eq(integrations.id, integration.id));
    throw new ServiceError("upstream_unreachable", `Re-sync failed: ${message}`);
  }

  return db.transaction(async (tx) => {
    await tx.select({ id: integrations.id }).from(integrations).where(eq(integrations.id, integration.id)).for("update");
    const existing = await tx
      .select({ id: tools.id, name: tools.name, definitionHash: tools.definitionHash, removedAt: tools.removedAt })
      .from(tools)
      .where(eq(tools.integrationId, integration.id));
    const byName = new Map(existing.map((tool) => [tool.name, tool]));
    const upstreamNames = new Set(discovered.map((tool) => tool.name));
    const summary: ResyncSummary = { added: [], removed: [], changed: [], restored: [], unchanged: 0, refused };
    const changedRows: Array<Record<string, unknown>> = [];
    const restoredIds: string[] = [];
    const newRows = [];

    for (const tool of discovered) {
      const known = byName.get(tool.name);
      if (!known) {
        newRows.push(seededToolRow(user.workspaceId, integration.id, tool));
        summary.added.push(tool.name);
        continue;
      }
      const hash = definitionHash(tool);
      if (known.removedAt) {
        restoredIds.push(known.id);
        summary.restored.push(tool.name);
      }
      if (hash !== known.definitionHash) {
        changedRows.push({
          id: known.id,
          title: tool.title,
          description: tool.description,
          input_schema: tool.inputSchema,
          output_schema: tool.outputSchema ?? null,
          annotations: tool.annotations,
          definition_hash: hash,
          // The classification follows the definition (what plan mode reads); the policy stays the admin's.
          ...reclassified(tool),
        });
        summary.changed.push(tool.name);
      } else if (!known.removedAt) {
        summary.unchanged++;
      }
    }
    const removedIds = existing.filter((tool) => !tool.removedAt && !upstreamNames.has(tool.name)).map((tool) => tool.id);
    summary.removed = existing.filter((tool) => removedIds.includes(tool.id)).map((tool) => tool.name);

    if (newRows.length) await tx.insert(tools).values(newRows);
    await nameToolsForMcp(tx, user.workspaceId);
    if (removedIds.length) await tx.update(tools).set({ removedAt: new Date() }).where(inArray(tools.id, removedIds));
    if (restoredIds.length) await tx.update(tools).set({ removedAt: null }).where(inArray(tools.id, restoredIds));
    if (changedRows.length) {
      // One statement for every changed definition; the stored policy is left as the admin set it.
      await tx.execute(sql`
        update tools t set title = v.title, description = v.description, input_schema = v.input_schema,
          output_schema = v.output_schema, annotations = v.annotations, definition_hash = v.definition_hash,
          seeded_policy = v.seeded_policy::tool_policy, seeded_reason = v.seeded_reason,
          manager_approval_suggested = v.manager_approval_suggested, review_note = v.review_note,
          flagged_at = coalesce(t.flagged_at, now()), updated_at = now()
        from jsonb_to_recordset(${JSON.stringify(changedRows)}::jsonb)
          as v(id text, title text, description text, input_schema jsonb, output_schema jsonb, annotations jsonb, definition_hash text,
               seeded_policy text, seeded_reason text, manager_approval_suggested boolean, review_note text)
        where t.id = v.id and t.workspace_id = ${user.workspaceId}`);
    }
    await tx
      .update(integrations)
      .set({ revision: sql`${integrations.revision} + 1`, lastSyncedAt: new Date(), lastSyncError: null })
      .where(and(eq(integrations.id, integration.id), eq(integrations.workspaceId, user.workspaceId)));
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      actorType: "user",
      actorId: user.id,
      action: "integration.resynced",
      clientId: integration.clientId,
      subjectType: "integration",
      subjectId: integration.id,
      data: {
        added: summary.added.length,
        removed: summary.removed.length,
        changed: summary.changed.length,
        restored: summary.restored.length,
        unchanged: summary.unchanged,
        refused: summary.refused,
      },
    });
    await recordAccessChange(tx, { workspaceId: user.workspaceId, cause: "integration.resynced", actor: { type: "user", id: user.id } });
    return summary;
  });
}
