import { readFileSync } from "node:fs";
import postgres from "postgres";
import { afterAll, beforeAll } from "vitest";
import { type DatabaseHandle } from "@/db";
import { installDatabaseHandle } from "@/server/database";
import { openPglite } from "@/db/open-pglite";
import { openPostgres } from "@/db/open-postgres";
import { resetEventBus } from "@/server/events/bus";
import { randomBase62 } from "@/db/ids";
import { pgliteTemplatePath, postgresTemplateName, withDatabase } from "./template";

export type TestDatabase = DatabaseHandle & { url?: string; drop(): Promise<void> };

export const testDriver = (): "pglite" | "postgres" => (process.env.TEST_DRIVER === "postgres" ? "postgres" : "pglite");

/** A fresh, migrated database: a clone of the run's template, on the driver of this project. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (testDriver() === "pglite") {
    const blob = new Blob([readFileSync(pgliteTemplatePath())]);
    const handle = await openPglite({ memory: true, loadDataDir: blob });
    return Object.assign(handle, { drop: () => handle.close() });
  }
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error("TEST_DRIVER=postgres needs TEST_DATABASE_URL");
  const name = `toolgate_test_${randomBase62(10).toLowerCase()}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}" template "${postgresTemplateName()}"`);
  await admin.end();
  const url = withDatabase(base, name);
  const handle = openPostgres(url, { max: 10 });
  return Object.assign(handle, {
    url,
    async drop() {
      await handle.close();
      const cleanup = postgres(base, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
    },
  });
}

/**
 * Gives the test file its own database and installs it as the process database, so route handlers
 * and domain code under test use it. Returns a getter (the database exists only after beforeAll).
 */
export function setupTestDatabase(): () => TestDatabase {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    resetEventBus();
    installDatabaseHandle(database);
  });
  afterAll(async () => {
    installDatabaseHandle(undefined);
    resetEventBus();
    await database?.drop();
  });
  return () => {
    if (!database) throw new Error("the test database exists only inside tests (after beforeAll)");
    return database;
  };
}
