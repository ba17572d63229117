import { expect } from "vitest";

/** The message of an error and of its causes (drizzle wraps driver errors in DrizzleQueryError). */
export function messageChain(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(" ← ");
}

export async function expectRejection(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error, "expected the promise to reject").not.toBeNull();
  expect(messageChain(error)).toMatch(pattern);
}
