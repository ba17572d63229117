import { StartupError } from "./startup-error";

const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  // PostgreSQL: admin shutdown, crash shutdown, cannot connect now, too many connections.
  "57P01",
  "57P02",
  "57P03",
  "53300",
]);

/** True for errors meaning "the database cannot be reached right now" (fail closed, retry later). */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; current && depth < 5; depth++) {
    if (typeof current.code === "string" && UNREACHABLE_CODES.has(current.code)) return true;
    current = current.cause as typeof current;
  }
  return false;
}

function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "5432"}`;
  } catch {
    return "the configured host";
  }
}

/** Turns a driver error at start-up into one sentence naming the cause. */
export function describeConnectionError(error: unknown, url: string): Error {
  if (error instanceof StartupError) return error;
  const code = (error as { code?: string }).code;
  const host = hostOf(url);
  if (isDatabaseUnavailable(error)) {
    return new StartupError(
      `Cannot reach PostgreSQL at ${host} (DATABASE_URL): ${code === "CONNECT_TIMEOUT" ? "no answer within 2 s" : code}.`,
    );
  }
  if (code === "28P01" || code === "28000") return new StartupError(`PostgreSQL at ${host} refused the credentials in DATABASE_URL.`);
  if (code === "3D000") return new StartupError(`The database named in DATABASE_URL does not exist on ${host}.`);
  const message = error instanceof Error ? error.message : String(error);
  return new StartupError(`PostgreSQL at ${host} (DATABASE_URL) failed at start-up: ${message}.`);
}
