// Fails fast, before a build, when the environment is wrong: one sentence, non-zero exit.
import { StartupError } from "@/db/startup-error";
import { getEnv } from "@/server/env";

try {
  getEnv();
} catch (error) {
  if (!(error instanceof StartupError)) throw error;
  process.stderr.write(`toolgate: ${error.message}\n`);
  process.exit(1);
}
