import { join } from "node:path";
import postgres from "postgres";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import type { DatabaseHandle } from "./types";

export const MIGRATIONS_FOLDER = join(process.cwd(), "db", "migrations");
/** Any constant works; all instances must agree on it. */
const MIGRATION_LOCK_KEY = 72_410_001;

/**
 * Applies pending migrations. On PostgreSQL this happens on one dedicated connection under an
 * advisory lock, so several instances starting together apply each migration once.
 */
export async function migrateDatabase(handle: DatabaseHandle, options: { url?: string } = {}): Promise<void> {
  if (handle.driver === "pglite") {
    await migratePglite(handle.db as unknown as PgliteDatabase, { migrationsFolder: MIGRATIONS_FOLDER });
    return;
  }
  if (!options.url) throw new Error("migrateDatabase on PostgreSQL needs the connection URL");
  const sql = postgres(options.url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await migratePostgres(drizzlePostgres({ client: sql }), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}
