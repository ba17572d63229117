import { eq } from "drizzle-orm";
import type { Database } from "@/db";
import { agentKeys } from "@/db/schema";

const WRITE_EVERY_MS = 60_000;
const lastWritten = ((globalThis as unknown as { __toolgateKeyUsage?: Map<string, number> }).__toolgateKeyUsage ??= new Map<
  string,
  number
>());

/**
 * Records when a key was last used, at most once a minute per key and off the request's path:
 * the write is not awaited, and a failure only delays the next record.
 */
export function touchKeyUsage(db: Database, keyId: string, storedLastUsedAt: Date | null, now = Date.now()): void {
  const last = Math.max(lastWritten.get(keyId) ?? 0, storedLastUsedAt?.getTime() ?? 0);
  if (now - last < WRITE_EVERY_MS) return;
  lastWritten.set(keyId, now);
  void db
    .update(agentKeys)
    .set({ lastUsedAt: new Date(now) })
    .where(eq(agentKeys.id, keyId))
    .catch(() => lastWritten.delete(keyId));
}
