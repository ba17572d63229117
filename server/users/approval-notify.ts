import { and, eq } from "drizzle-orm";
import { users, type ApprovalNotify } from "@/db/schema";
import { recordAudit } from "../audit/record";
import type { UserContext } from "../context";
import { loadReachSetup } from "../approvals/reach";

/**
 * The signed-in user's own choice of how approval requests reach them, with what is set up today
 * (a choice of a channel that is not set up falls back to one that is: reach.ts).
 */
export async function getMyApprovalNotify({ db, user }: UserContext) {
  const [row] = await db
    .select({ approvalNotify: users.approvalNotify })
    .from(users)
    .where(and(eq(users.id, user.id), eq(users.workspaceId, user.workspaceId)));
  const setup = await loadReachSetup(db, user.workspaceId);
  return { approvalNotify: row?.approvalNotify ?? "slack", slack: setup.slack, email: setup.smtp };
}

/** Changes only the signed-in user's own preference (never another's); audited. */
export async function setMyApprovalNotify({ db, user }: UserContext, input: { approvalNotify: ApprovalNotify }) {
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ approvalNotify: input.approvalNotify })
      .where(and(eq(users.id, user.id), eq(users.workspaceId, user.workspaceId)));
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      actorType: "user",
      actorId: user.id,
      action: "user.approval_notify_changed",
      subjectType: "user",
      subjectId: user.id,
      data: { approvalNotify: input.approvalNotify },
    });
  });
  return { approvalNotify: input.approvalNotify };
}
