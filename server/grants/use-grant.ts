import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Executor } from "@/db";
import { toolGrants } from "@/db/schema";
import { recordAudit } from "../audit/record";

/**
 * Counts one use of a standing grant and audits it, inside the transaction that records the call
 * it lets run. Conditional: a grant revoked or expired since the call's read is not used (false),
 * and the caller then asks for approval as if there were no grant.
 */
export async function recordGrantUse(
  tx: Executor,
  input: { workspaceId: string; grantId: string; callId: string; agentId: string; clientId: string | null; data: Record<string, unknown> },
): Promise<boolean> {
  const [used] = await tx
    .update(toolGrants)
    .set({ useCount: sql`${toolGrants.useCount} + 1`, lastUsedAt: sql`now()` })
    .where(
      and(
        eq(toolGrants.id, input.grantId),
        eq(toolGrants.workspaceId, input.workspaceId),
        isNull(toolGrants.revokedAt),
        gt(toolGrants.expiresAt, sql`now()`),
      ),
    )
    .returning({ id: toolGrants.id, useCount: toolGrants.useCount });
  if (!used) return false;
  await recordAudit(tx, {
    workspaceId: input.workspaceId,
    actorType: "agent",
    actorId: input.agentId,
    action: "grant.used",
    clientId: input.clientId,
    subjectType: "grant",
    subjectId: input.grantId,
    callId: input.callId,
    data: { ...input.data, useCount: used.useCount },
  });
  return true;
}
