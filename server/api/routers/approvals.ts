import { z } from "zod";
import { decideApproval } from "../../approvals/decide";
import { runCallAgain } from "../../approvals/execute-approved";
import { listApprovalInbox, resendManagerRequest } from "../../approvals/inbox";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "../trpc";

const id = z.string().min(1).max(64);

export const approvalsRouter = createTRPCRouter({
  inbox: protectedProcedure
    .input(
      z
        .object({
          callId: id.optional(),
          cursor: z.string().min(1).max(500).optional(),
          limit: z.number().int().min(1).max(100).optional(),
        })
        .optional(),
    )
    .query(({ ctx, input }) => listApprovalInbox(ctx, input)),
  decide: protectedProcedure
    .input(z.object({ approvalRequestId: id, decision: z.enum(["approve", "deny"]), comment: z.string().trim().max(1_000).optional() }))
    .mutation(({ ctx, input }) =>
      decideApproval(ctx.db, {
        workspaceId: ctx.user.workspaceId,
        approvalRequestId: input.approvalRequestId,
        decision: input.decision,
        comment: input.comment ?? null,
        actor: { kind: "user", userId: ctx.user.id, via: "web" },
      }),
    ),
  resendManagerRequest: protectedProcedure
    .input(z.object({ approvalRequestId: id }))
    .mutation(({ ctx, input }) => resendManagerRequest(ctx, input)),
  runAgain: adminProcedure.input(z.object({ callId: id })).mutation(({ ctx, input }) => runCallAgain(ctx, input)),
});
