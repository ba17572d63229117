import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { StartupError } from "./startup-error";

const LOCK_FILE = "toolgate.lock";

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readLock(path: string): { pid: number; nonce: string } | null {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as { pid?: unknown; nonce?: unknown };
    if (typeof parsed.pid === "number" && typeof parsed.nonce === "string") return { pid: parsed.pid, nonce: parsed.nonce };
  } catch {
    // Missing, half-written or garbage: treated as stale below.
  }
  return null;
}

/**
 * PGlite has no lock between processes, and two processes on one directory silently lose data.
 * This takes an exclusive lock file holding our pid and a per-open nonce: another live process,
 * or a second client in this same process, fails at once; a lock left by a dead process is cleared.
 * Returns the release function (idempotent).
 */
export function acquireDirectoryLock(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const nonce = randomUUID();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, nonce }));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const current = readLock(path);
        if (current?.nonce === nonce) rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readLock(path);
      if (holder && holder.pid === process.pid) {
        throw new StartupError(`Cannot open ${dir}: database directory in use by pid ${holder.pid} (this process already holds it).`);
      }
      if (holder && isProcessAlive(holder.pid)) {
        throw new StartupError(
          `Cannot open ${dir}: database directory in use by pid ${holder.pid} (stop that process, or set PGLITE_DIR to another directory).`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new StartupError(`Could not lock the embedded database directory ${dir}.`);
}
