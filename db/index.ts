/*
 * The database layer's types. The process's database itself (opened from the environment) is
 * server/database.ts: db/ holds the schema, the drivers and the migrations, and imports nothing
 * from server/.
 */
export type { Database, DatabaseHandle, Executor, Transaction, DriverName } from "./types";
