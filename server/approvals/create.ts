import { sql } from "drizzle-orm";
import type { Transaction } from "@/db";
import { rowsOf } from "@/db/results";
import { approvalRequests, type ApprovalKind } from "@/db/schema";
import { publishEvent } from "../events/bus";
import { enqueueJobs } from "../jobs/enqueue";
import { escalationJobs } from "./escalation/schedule";

export type NewApprovals = {
  workspaceId: string;
  callId: string;
  kinds: ApprovalKind[];
  /** Distinct technicians the technician request needs (the two-person rule when the call is made). */
  technicians: number;
  argumentsDigest: string;
  expiresAt: Date;
  /** For Manager Approval: the Directory person who alone decides, and the address their messages go to. */
  manager: { personId: string; email: string } | null;
};

/**
 * Creates the approval requests of a call (inside the call's own transaction), and the outbox jobs
 * that deliver them, expire them and escalate the technician request if nobody answers it. Deliveries are planned by the `plan_approval_deliveries` job
 * after commit, so a Slack or mail outage never blocks or loses the request.
 */
export async function createApprovalRequests(tx: Transaction, input: NewApprovals): Promise<Array<{ id: string; kind: ApprovalKind }>> {
  const rows = await tx
    .insert(approvalRequests)
    .values(
      input.kinds.map((kind) => ({
        workspaceId: input.workspaceId,
        callId: input.callId,
        kind,
        approverPersonId: kind === "manager" ? (input.manager?.personId ?? null) : null,
        approverEmail: kind === "manager" ? (input.manager?.email ?? null) : null,
        argumentsDigest: input.argumentsDigest,
        requiredApprovals: kind === "technician" ? input.technicians : 1,
        expiresAt: input.expiresAt,
      })),
    )
    .returning({ id: approvalRequests.id, kind: approvalRequests.kind });
  const technician = rows.find((row) => row.kind === "technician");
  await enqueueJobs(tx, [
    { kind: "plan_approval_deliveries", workspaceId: input.workspaceId, payload: { callId: input.callId } },
    { kind: "expire_call", workspaceId: input.workspaceId, payload: { callId: input.callId }, runAt: input.expiresAt, maxAttempts: 20 },
    ...(technician ? await escalationJobs(tx, { ...input, approvalRequestId: technician.id }) : []),
  ]);
  await publishEvent(tx, { type: "call", workspaceId: input.workspaceId, callId: input.callId, status: "pending_approval" });
  return rows;
}

/** How many calls an agent has waiting for approval (the flood limit). */
export async function countPendingCalls(tx: Transaction, agentId: string): Promise<number> {
  const result = await tx.execute(
    sql`select count(*)::int as n from tool_calls where agent_id = ${agentId} and status = 'pending_approval'`,
  );
  const rows = rowsOf<{ n: number }>(result);
  return Number(rows[0]?.n ?? 0);
}
