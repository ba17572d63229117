import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MIGRATIONS_FOLDER } from "@/db/migrate";

export const TEST_TMP = join(process.cwd(), ".test-tmp");

/** Changes whenever a migration does, so a stale template is never reused. */
export function migrationsHash(): string {
  const hash = createHash("sha256");
  for (const file of readdirSync(MIGRATIONS_FOLDER)
    .filter((name) => name.endsWith(".sql"))
    .sort()) {
    hash.update(file).update(readFileSync(join(MIGRATIONS_FOLDER, file)));
  }
  return hash.digest("hex").slice(0, 12);
}

export const pgliteTemplatePath = () => join(TEST_TMP, `pglite-template-${migrationsHash()}.tar.gz`);
export const postgresTemplateName = () => `toolgate_template_${migrationsHash()}`;

/** The same server as TEST_DATABASE_URL, with another database name. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
