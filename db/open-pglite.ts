import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { acquireDirectoryLock } from "./directory-lock";
import * as schema from "./schema";
import type { Database, DatabaseHandle } from "./types";

export type PgliteSource = { dataDir: string } | { memory: true; loadDataDir?: Blob };

/**
 * Embedded PostgreSQL in this process. A directory is locked first (see directory-lock.ts);
 * `memory` databases, used by tests, need no lock.
 */
export async function openPglite(source: PgliteSource): Promise<DatabaseHandle & { client: PGlite }> {
  let release = () => {};
  let client: PGlite;
  if ("dataDir" in source) {
    mkdirSync(source.dataDir, { recursive: true });
    release = acquireDirectoryLock(source.dataDir);
    try {
      client = await PGlite.create({ dataDir: source.dataDir });
    } catch (error) {
      release();
      throw error;
    }
  } else {
    client = await PGlite.create(source.loadDataDir ? { loadDataDir: source.loadDataDir } : {});
  }
  const db = drizzle({ client, schema, casing: "snake_case" }) as unknown as Database;
  let closed = false;
  return {
    driver: "pglite",
    db,
    client,
    async query<Row>(text: string, params: unknown[]) {
      return (await client.query<Row>(text, params)).rows;
    },
    async listen(channel, onPayload) {
      return client.listen(channel, onPayload);
    },
    async ping() {
      await client.query("select 1");
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        release();
      }
    },
  };
}
