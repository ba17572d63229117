import { and, asc, eq, sql } from "drizzle-orm";
import { clients, integrations, tools } from "@/db/schema";
import type { UserContext } from "../context";

/**
 * The integrations list: kind, scope, status, tool counts per policy (flagged tools counted as
 * needing approval, as agents experience them), last sync and its error. One query.
 */
export async function listIntegrations({ db, user }: UserContext) {
  const rows = await db
    .select({
      id: integrations.id,
      kind: integrations.kind,
      slug: integrations.slug,
      name: integrations.name,
      status: integrations.status,
      clientId: integrations.clientId,
      clientName: clients.name,
      lastSyncedAt: integrations.lastSyncedAt,
      lastSyncError: integrations.lastSyncError,
      policiesReviewedAt: integrations.policiesReviewedAt,
      createdAt: integrations.createdAt,
      auto: sql<number>`count(${tools.id}) filter (where ${tools.policy} = 'auto' and ${tools.flaggedAt} is null)`.mapWith(Number),
      approvalNeeded:
        sql<number>`count(${tools.id}) filter (where ${tools.policy} = 'approval_needed' or (${tools.policy} = 'auto' and ${tools.flaggedAt} is not null))`.mapWith(
          Number,
        ),
      disabled: sql<number>`count(${tools.id}) filter (where ${tools.policy} = 'disabled')`.mapWith(Number),
      flagged: sql<number>`count(${tools.id}) filter (where ${tools.flaggedAt} is not null)`.mapWith(Number),
      managerApproval: sql<number>`count(${tools.id}) filter (where ${tools.managerApproval})`.mapWith(Number),
    })
    .from(integrations)
    .leftJoin(clients, eq(clients.id, integrations.clientId))
    .leftJoin(tools, and(eq(tools.integrationId, integrations.id), sql`${tools.removedAt} is null`))
    .where(eq(integrations.workspaceId, user.workspaceId))
    .groupBy(integrations.id, clients.name)
    .orderBy(asc(clients.name), asc(integrations.name));
  return rows.map((row) => ({ ...row, toolCount: row.auto + row.approvalNeeded + row.disabled }));
}

export type IntegrationListItem = Awaited<ReturnType<typeof listIntegrations>>[number];
