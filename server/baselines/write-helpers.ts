import { and, eq, sql } from "drizzle-orm";
import type { Transaction } from "@/db";
import { integrations } from "@/db/schema";
import { ServiceError } from "../errors";

/** Claims an integration at the revision its page loaded (a conditional update); null when someone changed it since. */
export async function claimIntegrationRevision(
  tx: Transaction,
  input: { workspaceId: string; integrationId: string; revision: number; baselineId?: string | null },
): Promise<{ id: string; clientId: string | null; baselineId: string | null } | null> {
  const [row] = await tx
    .update(integrations)
    .set({ updatedAt: sql`now()`, ...(input.baselineId !== undefined ? { baselineId: input.baselineId } : {}) })
    .where(
      and(
        eq(integrations.id, input.integrationId),
        eq(integrations.workspaceId, input.workspaceId),
        eq(integrations.revision, input.revision),
      ),
    )
    .returning({ id: integrations.id, clientId: integrations.clientId, baselineId: integrations.baselineId });
  return row ?? null;
}

export const staleIntegration = () =>
  new ServiceError(
    "stale_revision",
    "Nothing was changed: the policies of this integration changed since you loaded this page. Reload to see the current policies, then try again.",
  );
