import type { Database } from "@/db";
import { createAgent } from "@/server/agents/manage-agents";
import type { SessionUser } from "@/server/auth/session-user";

export async function createTestAgent(
  db: Database,
  admin: SessionUser,
  scope: { allClients?: boolean; clientIds?: string[]; mspWide?: boolean } = {},
  name = "Helpdesk agent",
) {
  return createAgent(
    { db, user: admin },
    { name, scope: { allClients: scope.allClients ?? true, clientIds: scope.clientIds ?? [], mspWide: scope.mspWide ?? true } },
  );
}

/** A POST /api/gateway request as an agent sends it. */
export function gatewayRequest(key: string | null, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request("http://localhost/api/gateway", {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export function agentGet(path: string, key: string, headers: Record<string, string> = {}): Request {
  return new Request(`http://localhost${path}`, { headers: { authorization: `Bearer ${key}`, ...headers } });
}
