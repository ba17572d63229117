import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireDirectoryLock } from "./directory-lock";
import { StartupError } from "./startup-error";

const LOCK_IN_CHILD = `
  const { acquireDirectoryLock } = await import(${JSON.stringify(join(process.cwd(), "db", "directory-lock.ts"))});
  try { acquireDirectoryLock(process.argv[1]); console.log("locked"); } catch (error) { console.log(error.message); process.exit(3); }
`;

function lockInAnotherProcess(dir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", LOCK_IN_CHILD, dir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("exit", (code) => resolve({ code, output: output.trim() }));
  });
}

describe("embedded database directory lock", () => {
  it("makes a second process fail at once, naming the pid that holds the directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "toolgate-lock-"));
    const release = acquireDirectoryLock(dir);
    const second = await lockInAnotherProcess(dir);
    expect(second.code).toBe(3);
    expect(second.output).toContain(`database directory in use by pid ${process.pid}`);
    release();
    const third = await lockInAnotherProcess(dir);
    expect(third.output).toBe("locked");
  });

  it("clears a lock left by a process that no longer exists", () => {
    const dir = mkdtempSync(join(tmpdir(), "toolgate-lock-"));
    writeFileSync(join(dir, "toolgate.lock"), JSON.stringify({ pid: 2 ** 22 + 12345, nonce: "stale" }));
    const release = acquireDirectoryLock(dir);
    expect(existsSync(join(dir, "toolgate.lock"))).toBe(true);
    release();
    expect(existsSync(join(dir, "toolgate.lock"))).toBe(false);
  });

  it("refuses a second client in the same process", () => {
    const dir = mkdtempSync(join(tmpdir(), "toolgate-lock-"));
    const release = acquireDirectoryLock(dir);
    expect(() => acquireDirectoryLock(dir)).toThrow(StartupError);
    expect(() => acquireDirectoryLock(dir)).toThrow(/in use by pid/);
    release();
  });
});
