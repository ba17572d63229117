import { and, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Executor } from "@/db";
import { directoryPeople } from "@/db/schema";

const manager = alias(directoryPeople, "manager");

export type ResolvedRequester = {
  requesterId: string;
  requesterName: string;
  managerId: string | null;
  managerEmail: string | null;
  managerName: string | null;
};

/**
 * Finds the requester in the Directory of the client that owns the called integration (for an
 * MSP-wide integration: in the only client that has them), with their manager. The manager always
 * comes from here — never from anything the agent sent.
 */
export async function resolveRequester(
  db: Executor,
  input: { workspaceId: string; clientId: string | null; email: string },
): Promise<ResolvedRequester | null> {
  const rows = await db
    .select({
      requesterId: directoryPeople.id,
      requesterName: directoryPeople.name,
      managerId: manager.id,
      managerEmail: manager.email,
      managerName: manager.name,
    })
    .from(directoryPeople)
    .leftJoin(manager, eq(manager.id, directoryPeople.managerId))
    .where(
      and(
        eq(directoryPeople.workspaceId, input.workspaceId),
        eq(directoryPeople.email, input.email.trim().toLowerCase()),
        input.clientId ? eq(directoryPeople.clientId, input.clientId) : undefined,
      ),
    )
    .limit(2);
  if (rows.length !== 1) return null;
  return rows[0]!;
}
