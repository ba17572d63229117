import type { jobs } from "@/db/schema";

/**
 * Every kind of outbox job and its payload: `enqueueJobs` and the handler table (jobs/handlers.ts)
 * are both checked against this map, so a misspelt kind or a missing field fails to compile instead
 * of becoming a dead job at runtime.
 */
export type JobPayloads = {
  agent_config_webhook: { agentId: string; version: number; cause: string };
  agent_call_webhook: { callId: string };
  plan_approval_deliveries: { callId: string };
  deliver_slack: DeliveryPayload;
  deliver_email: DeliveryPayload;
  deliver_jira: DeliveryPayload;
  deliver_connectwise: DeliveryPayload;
  update_approval_messages: { approvalRequestId: string };
  send_password_link: { userId: string; purpose: "invite" | "reset"; sealedToken: string };
  execute_call: { callId: string };
  expire_call: { callId: string };
  /** A technician request still unanswered after `afterMinutes` escalates to `level` (approvals/escalation). */
  escalate_approval: { approvalRequestId: string; level: 1 | 2; afterMinutes: number };
};

/** One delivery of an approval request (a Slack DM, an e-mail, a ticket note) to one approver. */
export type DeliveryPayload = { deliveryId: string; approverUserId: string | null; approverPersonId: string | null };

export type JobKind = keyof JobPayloads;

/** A job as its handler receives it: the stored row, with the payload its kind promises. */
export type JobOf<K extends JobKind> = Omit<typeof jobs.$inferSelect, "kind" | "payload"> & { kind: K; payload: JobPayloads[K] };

/** A job to enqueue: its kind and that kind's payload, checked together. */
export type NewJob = {
  [K in JobKind]: { kind: K; payload: JobPayloads[K]; workspaceId?: string | null; runAt?: Date; maxAttempts?: number };
}[JobKind];
