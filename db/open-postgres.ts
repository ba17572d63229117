import { hostname } from "node:os";
import postgres from "postgres";
import { drizzle } from "drizzle-orm/postgres-js";
import * as schema from "./schema";
import type { Database, DatabaseHandle } from "./types";

export type PostgresOptions = { max?: number };

/**
 * Seconds before postgres.js tries a lost connection again. Its default grows as 3^n / 100 up to
 * 20 s, so after a few seconds' outage the LISTEN connection (and the pool) could stay away for
 * up to seven seconds after the database is back: long-polls then wait for their periodic re-check.
 * Capped at one second, with jitter so instances do not reconnect in step.
 */
export function reconnectBackoff(retries: number): number {
  return (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** retries, 1);
}

/** How this instance's connections are named in pg_stat_activity (the pool gauges count them). */
export const INSTANCE_APPLICATION_NAME = `toolgate ${hostname()}:${process.pid}`.slice(0, 63);

/**
 * postgres.js with a short connect timeout, so a dead database is reported in about two seconds
 * rather than hanging requests. LISTEN uses the driver's own dedicated, self-reconnecting connection.
 */
export function openPostgres(url: string, options: PostgresOptions = {}): DatabaseHandle {
  const client = postgres(url, {
    max: options.max ?? 10,
    connect_timeout: 2,
    backoff: reconnectBackoff,
    idle_timeout: 60,
    onnotice: () => {},
    connection: { application_name: INSTANCE_APPLICATION_NAME },
  });
  const db = drizzle({ client, schema, casing: "snake_case" }) as unknown as Database;
  return {
    driver: "postgres",
    db,
    async query<Row>(text: string, params: unknown[]) {
      return (await client.unsafe(text, params as never[], { prepare: true })) as unknown as Row[];
    },
    async listen(channel, onPayload) {
      const subscription = await client.listen(channel, onPayload);
      return () => subscription.unlisten();
    },
    async ping() {
      await client`select 1`;
    },
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}
