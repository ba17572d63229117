import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "@/db";
import { approvalRequests, deliveries, directoryPeople, jobs, toolCalls, users, type DeliveryChannel } from "@/db/schema";
import { newId } from "@/db/ids";
import { publishEvent } from "../../events/bus";
import type { JobRow } from "../../jobs/worker";
import { approvalSlackApp, ticketingIntegration, workspaceSmtp } from "./channels";

type Planned = {
  channel: DeliveryChannel;
  recipient: string;
  approvalRequestId: string;
  approverUserId?: string;
  approverPersonId?: string;
};

/**
 * Decides who hears about a call's approval requests, and how: the technician request by Slack DM
 * to each approving technician and as a note on the named ticket; the manager request by e-mail
 * always (when SMTP is set up) and by Slack DM too. Writes one delivery row and one outbox job per
 * message, in one transaction; runs once per call (a retry finds the deliveries already planned).
 */
export async function planApprovalDeliveries(job: JobRow, db: Database): Promise<void> {
  const callId = String(job.payload.callId);
  const [call] = await db.select().from(toolCalls).where(eq(toolCalls.id, callId));
  if (!call || call.status !== "pending_approval") return;
  const existing = await db.select({ id: deliveries.id }).from(deliveries).where(eq(deliveries.callId, callId)).limit(1);
  if (existing.length) return;
  const requests = await db.select().from(approvalRequests).where(eq(approvalRequests.callId, callId));
  const slack = await approvalSlackApp(db, call.workspaceId);
  const smtp = await workspaceSmtp(db, call.workspaceId);
  const planned: Planned[] = [];

  for (const request of requests) {
    if (request.kind === "technician") {
      if (slack) {
        const approvers = await db
          .select({ id: users.id, email: users.email })
          .from(users)
          .where(and(eq(users.workspaceId, call.workspaceId), eq(users.active, true), inArray(users.role, ["technician", "admin"])));
        for (const approver of approvers) {
          if (approver.email === call.requesterEmail) continue;
          planned.push({ channel: "slack", recipient: approver.email, approvalRequestId: request.id, approverUserId: approver.id });
        }
      }
      if (call.ticketSystem && call.ticketId && (await ticketingIntegration(db, call.workspaceId, call.ticketSystem, call.clientId))) {
        planned.push({ channel: call.ticketSystem, recipient: call.ticketId, approvalRequestId: request.id });
      }
    } else if (request.approverPersonId) {
      const [manager] = await db.select().from(directoryPeople).where(eq(directoryPeople.id, request.approverPersonId));
      if (!manager) continue;
      if (smtp) planned.push({ channel: "email", recipient: manager.email, approvalRequestId: request.id, approverPersonId: manager.id });
      if (slack) planned.push({ channel: "slack", recipient: manager.email, approvalRequestId: request.id, approverPersonId: manager.id });
    }
  }
  if (planned.length === 0) return;

  await db.transaction(async (tx) => {
    const rows = planned.map((plan) => ({ ...plan, id: newId("delivery"), jobId: newId("job") }));
    await tx.insert(jobs).values(
      rows.map((row) => ({
        id: row.jobId,
        kind: `deliver_${row.channel}`,
        workspaceId: call.workspaceId,
        payload: { deliveryId: row.id, approverUserId: row.approverUserId ?? null, approverPersonId: row.approverPersonId ?? null },
      })),
    );
    await tx.insert(deliveries).values(
      rows.map((row) => ({
        id: row.id,
        workspaceId: call.workspaceId,
        jobId: row.jobId,
        callId,
        approvalRequestId: row.approvalRequestId,
        channel: row.channel,
        recipient: row.recipient,
      })),
    );
    await publishEvent(tx, { type: "jobs" });
  });
}
