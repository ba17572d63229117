import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { StartupError } from "@/db/startup-error";
import { getEnv } from "./env";

const dataDir = () => mkdtempSync(join(tmpdir(), "toolgate-env-"));

describe("environment", () => {
  it("needs nothing on the embedded database: secrets are generated once into the data directory and reused", () => {
    const dir = dataDir();
    const first = getEnv({ TOOLGATE_DATA_DIR: dir });
    const second = getEnv({ TOOLGATE_DATA_DIR: dir });
    expect(first.authSecret).toHaveLength(44);
    expect(second.authSecret).toBe(first.authSecret);
    expect(second.encryptionKey.equals(first.encryptionKey)).toBe(true);
    expect(first.encryptionKey).toHaveLength(32);
    expect(first.auditKey).toHaveLength(32);
    expect(second.auditKey.equals(first.auditKey)).toBe(true);
    expect(first.auditKey.equals(first.encryptionKey)).toBe(false);
    expect(statSync(join(dir, "audit-key")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, "auth-secret"), "utf8").trim()).toBe(first.authSecret);
    expect(statSync(join(dir, "auth-secret")).mode & 0o777).toBe(0o600);
    expect(first.pgliteDir).toBe(join(dir, "pglite"));
    expect(first.publicUrl).toBe("http://localhost:3000");
    expect(first.TOOLGATE_MAX_ARGUMENTS_BYTES).toBe(65_536);
    expect(getEnv({ TOOLGATE_DATA_DIR: dir, TOOLGATE_MAX_ARGUMENTS_BYTES: "16384" }).TOOLGATE_MAX_ARGUMENTS_BYTES).toBe(16_384);
  });

  it.each([
    [{ DATABASE_URL: "mysql://localhost/db" }, /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/],
    [{ DATABASE_URL: "postgres://localhost/db" }, /AUTH_SECRET is required when DATABASE_URL is set/],
    [
      { DATABASE_URL: "postgres://localhost/db", AUTH_SECRET: "x".repeat(40) },
      /TOOLGATE_ENCRYPTION_KEY is required when DATABASE_URL is set/,
    ],
    [
      { DATABASE_URL: "postgres://localhost/db", AUTH_SECRET: "x".repeat(40), TOOLGATE_ENCRYPTION_KEY: "a".repeat(64) },
      /TOOLGATE_AUDIT_KEY is required when DATABASE_URL is set/,
    ],
    [{ TOOLGATE_AUDIT_KEY: "too-short" }, /TOOLGATE_AUDIT_KEY must be 32 bytes/],
    [{ TOOLGATE_METRICS_TOKEN: "short" }, /TOOLGATE_METRICS_TOKEN must be at least 24 characters/],
    [{ TOOLGATE_ENCRYPTION_KEY: "too-short" }, /TOOLGATE_ENCRYPTION_KEY must be 32 bytes/],
    [{ AUTH_SECRET: "short" }, /AUTH_SECRET must be at least 32 characters/],
    [{ PORT: "http" }, /PORT/],
    [{ TOOLGATE_MAX_ARGUMENTS_BYTES: "64k" }, /^TOOLGATE_MAX_ARGUMENTS_BYTES must be a whole number of bytes from 1024 to 262144/],
    [{ TOOLGATE_MAX_ARGUMENTS_BYTES: "1000000" }, /^TOOLGATE_MAX_ARGUMENTS_BYTES must be a whole number of bytes from 1024 to 262144/],
  ])("refuses %j with one sentence naming the variable", (values, message) => {
    const attempt = () => getEnv({ TOOLGATE_DATA_DIR: dataDir(), ...values });
    expect(attempt).toThrow(StartupError);
    expect(attempt).toThrow(message);
  });

  it("accepts PostgreSQL with its shared secrets", () => {
    const key = Buffer.alloc(32, 7).toString("base64");
    const env = getEnv({
      DATABASE_URL: "postgresql://u:p@db:5432/toolgate",
      AUTH_SECRET: "s".repeat(32),
      TOOLGATE_ENCRYPTION_KEY: key,
      TOOLGATE_AUDIT_KEY: Buffer.alloc(32, 9).toString("hex"),
      TOOLGATE_URL: "https://tg.example/",
    });
    expect(env.encryptionKey.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(env.publicUrl).toBe("https://tg.example");
    expect(env.auditKey.equals(Buffer.alloc(32, 9))).toBe(true);
  });
});
