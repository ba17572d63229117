import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import postgres from "postgres";
import { migrateDatabase } from "@/db/migrate";
import { openPglite } from "@/db/open-pglite";
import { TEST_TMP, pgliteTemplatePath, postgresTemplateName, withDatabase } from "./template";

/** Migrates once per run (per migration set): a PGlite data-directory dump and a PostgreSQL template. */
export default async function setup(): Promise<void> {
  mkdirSync(TEST_TMP, { recursive: true });
  const dump = pgliteTemplatePath();
  if (!existsSync(dump)) {
    const handle = await openPglite({ memory: true });
    await migrateDatabase(handle);
    const blob = await handle.client.dumpDataDir("gzip");
    await handle.close();
    writeFileSync(`${dump}.tmp`, Buffer.from(await blob.arrayBuffer()));
    renameSync(`${dump}.tmp`, dump);
  }
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const template = postgresTemplateName();
    const admin = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
    try {
      const existing = await admin`select 1 from pg_database where datname = ${template}`;
      if (existing.length === 0) {
        const building = `${template}_building_${process.pid}`;
        await admin.unsafe(`create database "${building}"`);
        const { openPostgres } = await import("@/db/open-postgres");
        const buildingUrl = withDatabase(url, building);
        const handle = openPostgres(buildingUrl, { max: 1 });
        await migrateDatabase(handle, { url: buildingUrl });
        await handle.close();
        await admin.unsafe(`alter database "${building}" rename to "${template}"`).catch(async () => {
          // Another run built it meanwhile.
          await admin.unsafe(`drop database if exists "${building}" with (force)`);
        });
      }
    } finally {
      await admin.end();
    }
  }
}
