import { and, eq, inArray } from "drizzle-orm";
import type { Database, Executor } from "@/db";
import { approvalRequests, deliveries, jobs, toolCalls, users, type DeliveryChannel } from "@/db/schema";
import { newId } from "@/db/ids";
import { publishEvent } from "../../events/bus";
import type { DeliveryPayload, JobKind } from "../../jobs/kinds";
import type { JobRow } from "../../jobs/worker";
import { technicianRoutes } from "../reach";
import { approvalSlackApp, ticketingIntegration, workspaceSmtp } from "./channels";

export type Planned = {
  channel: DeliveryChannel;
  recipient: string;
  approvalRequestId: string;
  approverUserId?: string;
  approverPersonId?: string;
  /** An escalation's message (escalation/escalate.ts): links to the signed-in inbox, carries no token. */
  escalationLevel?: number;
};

/**
 * Decides who hears about a call's approval requests, and how: the technician request to each
 * approving technician by Slack DM and/or e-mail (their preference among what is set up,
 * reach.ts) and as a note on the named ticket; the manager request by e-mail
 * (when SMTP is set up) and by Slack DM, to the manager's address stored on the request. Writes one delivery row and one outbox job per
 * message, in one transaction; runs once per call (a retry finds the deliveries already planned).
 */
export async function planApprovalDeliveries(job: JobRow, db: Database): Promise<void> {
  const callId = String(job.payload.callId);
  const [call] = await db.select().from(toolCalls).where(eq(toolCalls.id, callId));
  if (!call || call.status !== "pending_approval") return;
  const existing = await db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(and(eq(deliveries.callId, callId), eq(deliveries.escalationLevel, 0)))
    .limit(1);
  if (existing.length) return;
  const requests = await db.select().from(approvalRequests).where(eq(approvalRequests.callId, callId));
  const slack = await approvalSlackApp(db, call.workspaceId);
  const smtp = await workspaceSmtp(db, call.workspaceId);
  const planned: Planned[] = [];

  for (const request of requests) {
    if (request.kind === "technician") {
      const approvers = await db
        .select({ id: users.id, email: users.email, approvalNotify: users.approvalNotify })
        .from(users)
        .where(and(eq(users.workspaceId, call.workspaceId), eq(users.active, true), inArray(users.role, ["technician", "admin"])));
      for (const approver of approvers) {
        if (approver.email === call.requesterEmail) continue;
        for (const channel of technicianRoutes(approver.approvalNotify, { slack: Boolean(slack), smtp: Boolean(smtp) }))
          planned.push({ channel, recipient: approver.email, approvalRequestId: request.id, approverUserId: approver.id });
      }
      if (call.ticketSystem && call.ticketId && (await ticketingIntegration(db, call.workspaceId, call.ticketSystem, call.clientId))) {
        planned.push({ channel: call.ticketSystem, recipient: call.ticketId, approvalRequestId: request.id });
      }
    } else {
      planned.push(...managerDeliveries(request, { smtp: Boolean(smtp), slack: Boolean(slack) }));
    }
  }
  await writeDeliveries(db, call.workspaceId, callId, planned);
}

/**
 * The manager's messages: to the address stored on the request when it was made (never another),
 * by e-mail when SMTP is set up and by Slack DM when the Slack app is connected.
 */
export function managerDeliveries(
  request: { id: string; approverPersonId: string | null; approverEmail: string | null },
  channels: { smtp: boolean; slack: boolean },
): Planned[] {
  if (!request.approverPersonId || !request.approverEmail) return [];
  const to = { recipient: request.approverEmail, approvalRequestId: request.id, approverPersonId: request.approverPersonId };
  return [
    ...(channels.smtp ? [{ channel: "email" as const, ...to }] : []),
    ...(channels.slack ? [{ channel: "slack" as const, ...to }] : []),
  ];
}

/** The job that sends a delivery, by channel (agent webhooks are jobs of their own). */
const DELIVERY_JOB = {
  slack: "deliver_slack",
  email: "deliver_email",
  jira: "deliver_jira",
  connectwise: "deliver_connectwise",
} as const satisfies Record<Exclude<DeliveryChannel, "webhook">, JobKind>;

/** One delivery row and one outbox job per message, in one transaction. */
export async function writeDeliveries(db: Executor, workspaceId: string, callId: string, planned: Planned[]): Promise<void> {
  if (planned.length === 0) return;
  await db.transaction(async (tx) => {
    const rows = planned.map((plan) => ({ ...plan, id: newId("delivery"), jobId: newId("job") }));
    await tx.insert(jobs).values(
      rows.map((row) => ({
        id: row.jobId,
        kind: DELIVERY_JOB[row.channel as Exclude<DeliveryChannel, "webhook">],
        workspaceId,
        payload: {
          deliveryId: row.id,
          approverUserId: row.approverUserId ?? null,
          approverPersonId: row.approverPersonId ?? null,
        } satisfies DeliveryPayload,
      })),
    );
    await tx.insert(deliveries).values(
      rows.map((row) => ({
        id: row.id,
        workspaceId,
        jobId: row.jobId,
        callId,
        approvalRequestId: row.approvalRequestId,
        channel: row.channel,
        recipient: row.recipient,
        escalationLevel: row.escalationLevel ?? 0,
      })),
    );
    await publishEvent(tx, { type: "jobs" });
  });
}
