import { and, eq, isNull } from "drizzle-orm";
import type { Executor } from "@/db";
import { agentKeys, agents, workspaces } from "@/db/schema";
import { agentKeyHash } from "../agents/keys";
import { touchKeyUsage } from "./key-usage";
import type { Database } from "@/db";

export type AuthenticatedAgent = {
  agentId: string;
  workspaceId: string;
  keyPrefix: string;
  paused: boolean;
  workspacePaused: boolean;
  allClients: boolean;
  mspWide: boolean;
  toolsetVersion: number;
  /** Kept for re-entering the gateway (MCP), never stored or logged. */
  presentedKey?: string;
};

/** Reads `Authorization: Bearer <key>`; null when absent or not a bearer credential. */
export function bearerOf(request: Request): string | null {
  const match = request.headers.get("authorization")?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1] ?? null;
}

/** The agent behind an API key (neither retired nor revoked), with its workspace's switches. One query. */
export async function authenticateAgent(db: Executor, presentedKey: string | null): Promise<AuthenticatedAgent | null> {
  if (!presentedKey) return null;
  const [row] = await db
    .select({
      keyId: agentKeys.id,
      lastUsedAt: agentKeys.lastUsedAt,
      agentId: agents.id,
      workspaceId: agents.workspaceId,
      keyPrefix: agentKeys.prefix,
      paused: agents.paused,
      workspacePaused: workspaces.agentsPaused,
      allClients: agents.allClients,
      mspWide: agents.mspWide,
      toolsetVersion: workspaces.toolsetVersion,
    })
    .from(agentKeys)
    .innerJoin(agents, eq(agents.id, agentKeys.agentId))
    .innerJoin(workspaces, eq(workspaces.id, agents.workspaceId))
    .where(and(eq(agentKeys.keyHash, agentKeyHash(presentedKey)), isNull(agentKeys.revokedAt), isNull(agentKeys.retiredAt)))
    .limit(1);
  if (!row) return null;
  touchKeyUsage(db as Database, row.keyId, row.lastUsedAt);
  const { keyId: _keyId, lastUsedAt: _lastUsedAt, ...agent } = row;
  return agent;
}
