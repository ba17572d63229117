import { and, eq } from "drizzle-orm";
import type { Executor } from "@/db";
import { integrations, type IntegrationRow } from "@/db/schema";
import { ServiceError } from "../errors";

/** An integration of the caller's workspace, or not_found (never another workspace's). */
export async function loadIntegration(db: Executor, workspaceId: string, integrationId: string): Promise<IntegrationRow> {
  const [row] = await db
    .select()
    .from(integrations)
    .where(and(eq(integrations.id, integrationId), eq(integrations.workspaceId, workspaceId)));
  if (!row) throw new ServiceError("not_found", "No such integration in this workspace.");
  return row;
}
