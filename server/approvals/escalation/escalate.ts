import { and, eq, inArray, lt, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { approvalRequests, toolCalls, users, workspaces } from "@/db/schema";
import { recordAudit } from "../../audit/record";
import { publishEvent } from "../../events/bus";
import type { JobOf } from "../../jobs/kinds";
import { approvalSlackApp, workspaceSmtp } from "../deliver/channels";
import { writeDeliveries, type Planned } from "../deliver/plan";
import { technicianRoutes } from "../reach";

/**
 * Escalates one technician request nobody answered (the `escalate_approval` job, scheduled when the
 * request was made). One transaction: a conditional update (still pending, not yet escalated this
 * far) marks it, then the escalation's messages are written as deliveries and its audit event
 * recorded — so a request decided meanwhile never escalates, and a job run twice (a retry, a crash
 * after commit, two instances) escalates once. Level 1 goes to the escalation group (each by their
 * own Slack DM / e-mail preference, reach.ts) and to the Slack channel; level 2 to the admins.
 * Every escalation message links to the signed-in inbox, never to a deep link: a channel is read by
 * everyone in it, Slack Connect guests included.
 */
export async function escalateApproval(job: JobOf<"escalate_approval">, db: Database): Promise<void> {
  const { approvalRequestId, level, afterMinutes } = job.payload;
  await db.transaction(async (tx) => {
    const [request] = await tx
      .update(approvalRequests)
      .set({ escalationLevel: level, escalatedAt: sql`now()` })
      .where(
        and(
          eq(approvalRequests.id, approvalRequestId),
          eq(approvalRequests.status, "pending"),
          eq(approvalRequests.kind, "technician"),
          lt(approvalRequests.escalationLevel, level),
        ),
      )
      .returning();
    if (!request) return;
    const workspaceId = request.workspaceId;
    const [setup] = await tx
      .select({
        groupIds: workspaces.escalationUserIds,
        channel: workspaces.escalationSlackChannel,
        requesterEmail: toolCalls.requesterEmail,
        clientId: toolCalls.clientId,
      })
      .from(toolCalls)
      .innerJoin(workspaces, eq(workspaces.id, toolCalls.workspaceId))
      .where(and(eq(toolCalls.id, request.callId), eq(toolCalls.workspaceId, workspaceId)));
    if (!setup) return;
    const people =
      level === 1 && setup.groupIds.length === 0
        ? []
        : await tx
            .select({ id: users.id, name: users.name, email: users.email, approvalNotify: users.approvalNotify })
            .from(users)
            .where(
              and(
                eq(users.workspaceId, workspaceId),
                eq(users.active, true),
                level === 1 ? inArray(users.id, setup.groupIds) : eq(users.role, "admin"),
              ),
            );
    const slack = Boolean(await approvalSlackApp(tx, workspaceId));
    const smtp = Boolean(await workspaceSmtp(tx, workspaceId));
    // The requester is never asked to approve their own request, escalated or not.
    const told = people.filter((person) => person.email !== setup.requesterEmail);
    const planned: Planned[] = told.flatMap((person) =>
      technicianRoutes(person.approvalNotify, { slack, smtp }).map((channel) => ({
        channel,
        recipient: person.email,
        approvalRequestId: request.id,
        approverUserId: person.id,
        escalationLevel: level,
      })),
    );
    const channel = level === 1 && slack ? setup.channel : null;
    if (channel) planned.push({ channel: "slack", recipient: channel, approvalRequestId: request.id, escalationLevel: level });
    await writeDeliveries(tx, workspaceId, request.callId, planned);
    const whom = [...(channel ? [`Slack ${channel}`] : []), ...told.map((person) => person.name)];
    await recordAudit(tx, {
      workspaceId,
      actorType: "system",
      action: "approval.escalated",
      clientId: setup.clientId,
      subjectType: "approval",
      subjectId: request.id,
      callId: request.callId,
      data: {
        escalationLevel: level,
        afterMinutes,
        to: whom,
        message: `Escalated${level === 2 ? " to the admins" : ""} after ${afterMinutes} minutes unanswered: ${whom.length ? `told ${whom.join(", ")}` : "nobody to tell (no channel is set up for them)"}.`,
      },
    });
    await publishEvent(tx, { type: "call", workspaceId, callId: request.callId, status: "pending_approval" });
  });
}
