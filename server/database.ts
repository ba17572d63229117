import { getEnv } from "./env";
import { describeConnectionError } from "@/db/connection-errors";
import { migrateDatabase } from "@/db/migrate";
import { openPglite } from "@/db/open-pglite";
import { openPostgres } from "@/db/open-postgres";
import type { DatabaseHandle } from "@/db/types";

/*
 * The process's database, opened from the environment (DATABASE_URL, else the embedded PGlite).
 * Here rather than in db/, which holds the schema and the drivers and knows nothing of the app's
 * settings.
 */

/**
 * The process-wide database, on globalThis: Next.js may load this module twice (instrumentation
 * and route handlers), and a second PGlite client would defeat the directory lock.
 */
const slot = globalThis as unknown as { __toolgateDatabase?: Promise<DatabaseHandle> };

async function openFromEnv(): Promise<DatabaseHandle> {
  const env = getEnv();
  if (env.DATABASE_URL) {
    const handle = openPostgres(env.DATABASE_URL, { max: env.DATABASE_POOL_SIZE });
    try {
      await migrateDatabase(handle, { url: env.DATABASE_URL });
    } catch (error) {
      await handle.close().catch(() => {});
      throw describeConnectionError(error, env.DATABASE_URL);
    }
    return handle;
  }
  const handle = await openPglite({ dataDir: env.pgliteDir });
  try {
    await migrateDatabase(handle);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

/** Opens (once, lazily — never at import time, since build workers import modules) and migrates. */
export function getDatabaseHandle(): Promise<DatabaseHandle> {
  if (!slot.__toolgateDatabase) {
    slot.__toolgateDatabase = openFromEnv().catch((error: unknown) => {
      slot.__toolgateDatabase = undefined;
      throw error;
    });
  }
  return slot.__toolgateDatabase;
}

export async function getDb() {
  return (await getDatabaseHandle()).db;
}

/** Tests install their own database (a fresh clone per test file) as the process database. */
export function installDatabaseHandle(handle: DatabaseHandle | undefined): void {
  slot.__toolgateDatabase = handle ? Promise.resolve(handle) : undefined;
}

export async function closeDatabase(): Promise<void> {
  const pending = slot.__toolgateDatabase;
  slot.__toolgateDatabase = undefined;
  if (pending) await (await pending.catch(() => null))?.close();
}
