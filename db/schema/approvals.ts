import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { toolCalls } from "./calls";
import { idColumn } from "./columns";
import { workspaces } from "./workspaces";

export const APPROVAL_KINDS = ["technician", "manager"] as const;
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];
export const approvalKind = pgEnum("approval_kind", APPROVAL_KINDS);

export const APPROVAL_STATUSES = ["pending", "approved", "denied", "expired", "cancelled"] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
export const approvalStatus = pgEnum("approval_status", APPROVAL_STATUSES);

export const DECISION_CHANNELS = ["web", "deep_link", "slack"] as const;
export type DecisionChannel = (typeof DECISION_CHANNELS)[number];

/** A request for one decision about one call. A call may have a technician and a manager request. */
export const approvalRequests = pgTable(
  "approval_requests",
  {
    id: idColumn("approval"),
    workspaceId: text()
      .notNull()
      .references(() => workspaces.id),
    callId: text()
      .notNull()
      .references(() => toolCalls.id),
    kind: approvalKind().notNull(),
    status: approvalStatus().notNull().default("pending"),
    /** For a manager request: the directory person who alone may decide it. */
    approverPersonId: text(),
    /**
     * For a manager request: the manager's e-mail as the Directory had it when the request was made.
     * Their messages (and re-sends) go only there, so nobody else ever holds a link that decides as them.
     */
    approverEmail: text(),
    /** Digest of the call's arguments when the request was made; checked before execution. */
    argumentsDigest: text().notNull(),
    /**
     * How many distinct approvers this request needs: the tool's two-person rule (technician
     * requests) as it was when the call was made; always 1 for a manager request.
     */
    requiredApprovals: integer().notNull().default(1),
    decidedByUserId: text(),
    decidedByPersonId: text(),
    decidedVia: text().$type<DecisionChannel>(),
    comment: text(),
    /** "not_my_report" when a manager declined because the directory is wrong. */
    denialKind: text(),
    /** The approver chose "Approve, and allow this again for N hours": N (see server/grants/). */
    grantHours: integer(),
    /** With `grantHours`: the arguments the approver unpinned ("any value"). */
    grantUnpinned: jsonb().$type<string[]>(),
    decidedAt: timestamp({ withTimezone: true }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    /** 0 until the request, still unanswered, escalated: 1 (the group / channel), 2 (the admins). */
    escalationLevel: integer().notNull().default(0),
    escalatedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("approval_requests_call_id_idx").on(t.callId),
    index("approval_requests_workspace_id_status_idx").on(t.workspaceId, t.status),
    uniqueIndex("approval_requests_call_id_kind_idx").on(t.callId, t.kind),
    // The Overview's approval waits for the days not rolled up yet.
    index("approval_requests_workspace_id_created_at_idx").on(t.workspaceId, t.createdAt),
  ],
);

/** A deep-link token for one approver of one request. Only its SHA-256 is stored. */
export const approvalTokens = pgTable(
  "approval_tokens",
  {
    id: idColumn("approvalToken"),
    workspaceId: text()
      .notNull()
      .references(() => workspaces.id),
    approvalRequestId: text()
      .notNull()
      .references(() => approvalRequests.id),
    tokenHash: text().notNull(),
    approverUserId: text(),
    approverPersonId: text(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("approval_tokens_token_hash_idx").on(t.tokenHash),
    index("approval_tokens_approval_request_id_idx").on(t.approvalRequestId),
  ],
);

/**
 * One technician's approval of a technician request, recorded on its own (who, when, through which
 * channel). The request is approved when `required_approvals` distinct people have voted; the unique
 * indexes make sure one user, or one e-mail person key, never counts twice for the same request.
 */
export const approvalVotes = pgTable(
  "approval_votes",
  {
    id: idColumn("approvalVote"),
    workspaceId: text()
      .notNull()
      .references(() => workspaces.id),
    approvalRequestId: text()
      .notNull()
      .references(() => approvalRequests.id),
    callId: text()
      .notNull()
      .references(() => toolCalls.id),
    userId: text().notNull(),
    /** The voter's e-mail reduced to its person key (server/approvals/identity.ts). */
    personKey: text().notNull(),
    via: text().$type<DecisionChannel>().notNull(),
    comment: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("approval_votes_approval_request_id_user_id_idx").on(t.approvalRequestId, t.userId),
    uniqueIndex("approval_votes_approval_request_id_person_key_idx").on(t.approvalRequestId, t.personKey),
    index("approval_votes_call_id_idx").on(t.callId),
  ],
);
