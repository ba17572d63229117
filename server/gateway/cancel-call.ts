import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { approvalRequests, toolCalls } from "@/db/schema";
import { recordAudit } from "../audit/record";
import { ServiceError } from "../errors";
import { publishEvent } from "../events/bus";
import { loadCallView, type CallReader } from "./call-status";

/**
 * The agent withdraws a call that is still waiting for approval. A conditional update: a call
 * already decided (or running) cannot be withdrawn, and says so. Approvers' links then show that
 * it was withdrawn.
 */
export async function cancelCall(db: Database, reader: CallReader & { agentId: string }, callId: string) {
  const cancelled = await db.transaction(async (tx) => {
    const [call] = await tx
      .update(toolCalls)
      // The database's clock, like created_at: this process's clock may run behind the database server's.
      .set({ status: "cancelled", finishedAt: sql`clock_timestamp()`, errorCode: "cancelled", errorMessage: "Withdrawn by the agent." })
      .where(
        and(
          eq(toolCalls.id, callId),
          eq(toolCalls.workspaceId, reader.workspaceId),
          eq(toolCalls.agentId, reader.agentId),
          eq(toolCalls.status, "pending_approval"),
        ),
      )
      .returning();
    if (!call) return null;
    await tx
      .update(approvalRequests)
      .set({ status: "cancelled", decidedAt: sql`now()` })
      .where(and(eq(approvalRequests.callId, call.id), eq(approvalRequests.status, "pending")));
    await recordAudit(tx, {
      workspaceId: call.workspaceId,
      actorType: "agent",
      actorId: reader.agentId,
      action: "call.cancelled",
      clientId: call.clientId,
      subjectType: "call",
      subjectId: call.id,
      callId: call.id,
    });
    await publishEvent(tx, { type: "call", workspaceId: call.workspaceId, callId: call.id, status: "cancelled" });
    return call;
  });
  const view = await loadCallView(db, reader, callId);
  if (!cancelled)
    throw new ServiceError(
      "conflict",
      `This call is ${view.status.replace("_", " ")}; only a call waiting for approval can be withdrawn.`,
      { status: view.status },
    );
  return view;
}
