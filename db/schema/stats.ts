import { date, doublePrecision, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The Overview's rollups, one set per workspace and time zone (days are the workspace's days).
 * A day is rolled up only once it is over and settled — no call made that day is still waiting
 * or running — so its figures never change afterwards; the days that are not read live.
 */
export const callStatsDays = pgTable(
  "call_stats_days",
  {
    workspaceId: text().notNull(),
    timeZone: text().notNull(),
    day: date({ mode: "string" }).notNull(),
    rolledUpAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "call_stats_days_pk", columns: [t.workspaceId, t.timeZone, t.day] })],
);

/** Calls per day, client ('' = MSP-wide), tool and outcome. */
export const callStatsDaily = pgTable(
  "call_stats_daily",
  {
    workspaceId: text().notNull(),
    timeZone: text().notNull(),
    day: date({ mode: "string" }).notNull(),
    clientKey: text().notNull(),
    integrationSlug: text().notNull(),
    toolName: text().notNull(),
    outcome: text().notNull(),
    calls: integer().notNull(),
  },
  (t) => [
    primaryKey({
      name: "call_stats_daily_pk",
      columns: [t.workspaceId, t.timeZone, t.day, t.clientKey, t.integrationSlug, t.toolName, t.outcome],
    }),
  ],
);

/** Approval wait per day and client ('' = MSP-wide, '*' = all clients together): percentiles do not add up. */
export const approvalWaitDaily = pgTable(
  "approval_wait_daily",
  {
    workspaceId: text().notNull(),
    timeZone: text().notNull(),
    day: date({ mode: "string" }).notNull(),
    clientKey: text().notNull(),
    decided: integer().notNull(),
    p50Seconds: doublePrecision().notNull(),
    p90Seconds: doublePrecision().notNull(),
  },
  (t) => [primaryKey({ name: "approval_wait_daily_pk", columns: [t.workspaceId, t.timeZone, t.day, t.clientKey] })],
);
