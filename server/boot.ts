import { closeDatabase, getDatabaseHandle } from "@/server/database";
import { StartupError } from "@/db/startup-error";
import { getEnv } from "./env";
import { log } from "./log/logger";
import { createWorker, type Worker } from "./jobs/worker";
import { jobHandlers, LONG_RUNNING_JOB_KINDS } from "./jobs/handlers";
import { sweepCalls } from "./approvals/execute-approved";
import { sealAuditEvents } from "./audit/seal";
import { observeJobAttempt } from "./metrics/registry";
import { rollUpCallStats } from "./overview/rollup";

const slot = globalThis as unknown as { __toolgateBoot?: { worker: Worker | null } };

function fail(error: unknown): never {
  const sentence =
    error instanceof StartupError ? error.message : `Toolgate could not start: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`toolgate: ${sentence}\n`);
  process.exit(1);
}

/** Start-up of one app process (idempotent: Next.js may call it more than once). */
export async function boot(): Promise<void> {
  if (slot.__toolgateBoot) return;
  slot.__toolgateBoot = { worker: null };
  let env;
  let handle;
  try {
    env = getEnv();
    handle = await getDatabaseHandle();
  } catch (error) {
    fail(error);
  }
  if (env.TOOLGATE_WORKER === "on") {
    // The sweep finds calls a crashed process left behind: every 2 s, so after a restart an approved
    // call runs within a few seconds (a handful of indexed queries per instance).
    const worker = createWorker(handle, {
      handlers: jobHandlers,
      longRunningKinds: LONG_RUNNING_JOB_KINDS,
      onAttempt: observeJobAttempt,
      periodic: [
        { name: "call sweep", everyMs: 2_000, run: sweepCalls },
        // The audit sealer: one at a time across instances (it locks its state row), so writers never wait.
        { name: "audit sealer", everyMs: 2_000, run: (db) => sealAuditEvents(db, env.auditKey) },
        // The Overview's daily rollups of settled days (newest first, a month per pass).
        { name: "overview rollup", everyMs: 30_000, run: rollUpCallStats },
      ],
    });
    slot.__toolgateBoot.worker = worker;
    await worker.start();
  }
  log("info", "toolgate ready", { database: handle.driver, url: env.publicUrl });

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    // Close PGlite cleanly: an unclean stop has been reported to damage its write-ahead log.
    void (async () => {
      await slot.__toolgateBoot?.worker?.stop().catch(() => {});
      await closeDatabase().catch(() => {});
      process.exit(signal === "SIGINT" ? 130 : 143);
    })();
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}
