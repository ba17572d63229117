import { redactSecrets } from "./redact";

export type LogLevel = "info" | "warn" | "error";

/**
 * The one logger: one JSON object per line (stdout for info, stderr otherwise), every line
 * redacted of tokens and credentials after it is serialised, whatever field they hide in.
 */
export function log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  const line = redactSecrets(JSON.stringify({ level, msg, ...fields })) + "\n";
  (level === "info" ? process.stdout : process.stderr).write(line);
}

/** A thrown value as a log field: the message (or, for unexpected errors, the stack). */
export function errorText(error: unknown, withStack = false): string {
  if (error instanceof Error) return withStack ? (error.stack ?? error.message) : error.message;
  return String(error);
}
