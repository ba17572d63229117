// `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database
// (which must not be in use by a running app: its directory lock refuses a second process).
import { closeDatabase, getDatabaseHandle } from "@/server/database";
import { StartupError } from "@/db/startup-error";

try {
  const handle = await getDatabaseHandle();
  console.log(`toolgate: migrations applied (${handle.driver}).`);
  await closeDatabase();
} catch (error) {
  process.stderr.write(
    `toolgate: ${error instanceof StartupError ? error.message : error instanceof Error ? error.message : String(error)}\n`,
  );
  await closeDatabase().catch(() => {});
  process.exit(1);
}
