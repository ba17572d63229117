// `npm run admin -- <command> [options]`: headless administration (commands: scripts/admin-commands.ts).
import { closeDatabase } from "@/server/database";
import { StartupError } from "@/db/startup-error";
import { isServiceError } from "@/server/errors";
import { runAdminCommand } from "./admin-commands";

try {
  await runAdminCommand(process.argv.slice(2));
  await closeDatabase();
} catch (error) {
  await closeDatabase().catch(() => {});
  const message =
    error instanceof StartupError || isServiceError(error) || error instanceof TypeError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  process.stderr.write(`toolgate: ${message}\n`);
  process.exit(1);
}
