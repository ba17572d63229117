import { index, integer, jsonb, pgEnum, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { idColumn } from "./columns";

export const JOB_STATUSES = ["pending", "running", "done", "dead"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const jobStatus = pgEnum("job_status", JOB_STATUSES);

/**
 * The outbox: background work written in the same transaction as the change that causes it,
 * claimed by workers with FOR UPDATE SKIP LOCKED. A rolled-back change leaves no job behind.
 */
export const jobs = pgTable(
  "jobs",
  {
    id: idColumn("job"),
    workspaceId: text(),
    kind: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    status: jobStatus().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    maxAttempts: integer().notNull().default(8),
    runAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lockedAt: timestamp({ withTimezone: true }),
    lockedBy: text(),
    lastError: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("jobs_status_run_at_idx").on(t.status, t.runAt), index("jobs_workspace_id_idx").on(t.workspaceId)],
);

/** Every attempt at a job, with its error: the delivery timeline on a call's page reads these. */
export const jobAttempts = pgTable(
  "job_attempts",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    jobId: text()
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    attempt: integer().notNull(),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    finishedAt: timestamp({ withTimezone: true }).notNull(),
    error: text(),
  },
  (t) => [index("job_attempts_job_id_idx").on(t.jobId)],
);

export const DELIVERY_CHANNELS = ["slack", "email", "jira", "connectwise", "webhook"] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];
export const deliveryChannel = pgEnum("delivery_channel", DELIVERY_CHANNELS);

export const DELIVERY_STATUSES = ["pending", "sent", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export const deliveryStatus = pgEnum("delivery_status", DELIVERY_STATUSES);

/** A message about an approval request (or a webhook to an agent) and where it went. */
export const deliveries = pgTable(
  "deliveries",
  {
    id: idColumn("delivery"),
    workspaceId: text().notNull(),
    jobId: text(),
    callId: text(),
    approvalRequestId: text(),
    agentId: text(),
    channel: deliveryChannel().notNull(),
    /** Who it is for, in the channel's terms (a Slack user id, an e-mail address, a ticket key). */
    recipient: text().notNull(),
    status: deliveryStatus().notNull().default("pending"),
    /** What the channel answered that we need later, e.g. Slack's channel and ts to update the DM. */
    externalRef: jsonb().$type<Record<string, string>>(),
    /** 0: the request's first delivery; 1 or 2: an escalation's message (links to the inbox, carries no token). */
    escalationLevel: integer().notNull().default(0),
    lastError: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("deliveries_call_id_idx").on(t.callId), index("deliveries_approval_request_id_idx").on(t.approvalRequestId)],
);
