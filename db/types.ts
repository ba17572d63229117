import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import type * as schema from "./schema";

export type Schema = typeof schema;
/** The drizzle database, whichever driver is behind it. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Domain functions take either, so a caller can make them part of its own transaction. */
export type Executor = Database | Transaction;

export type DriverName = "pglite" | "postgres";

export interface DatabaseHandle {
  readonly driver: DriverName;
  readonly db: Database;
  /**
   * A hot-path statement with positional parameters ($1, $2, …), sent as a named prepared
   * statement on PostgreSQL so the server plans it once. Rows as plain objects.
   */
  query<Row = Record<string, unknown>>(text: string, params: unknown[]): Promise<Row[]>;
  /** Subscribes to a NOTIFY channel; resolves once listening. Returns the unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** Answers when the database does; throws otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
