import { describe, expect, it } from "vitest";
import { describeConnectionError, isDatabaseUnavailable } from "./connection-errors";
import { migrateDatabase } from "./migrate";
import { openPostgres } from "./open-postgres";
import { StartupError } from "./startup-error";

describe("an unreachable DATABASE_URL", () => {
  it("is reported in one sentence naming the host, within the short connect timeout", async () => {
    const url = "postgres://postgres@127.0.0.1:1/toolgate";
    const handle = openPostgres(url);
    const started = Date.now();
    const error = await migrateDatabase(handle, { url }).then(
      () => null,
      (caught: unknown) => caught,
    );
    await handle.close();
    expect(isDatabaseUnavailable(error)).toBe(true);
    const described = describeConnectionError(error, url);
    expect(described).toBeInstanceOf(StartupError);
    expect(described.message).toBe("Cannot reach PostgreSQL at 127.0.0.1:1 (DATABASE_URL): ECONNREFUSED.");
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
