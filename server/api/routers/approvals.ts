import { z } from "zod";
import { decideApprovalBatch, MAX_BATCH } from "../../approvals/batch";
import { decideApproval } from "../../approvals/decide";
import { runCallAgain } from "../../approvals/execute-approved";
import { listApprovalInbox, resendManagerRequest } from "../../approvals/inbox";
import { countPendingApprovals } from "../../approvals/live";
import { explainReach, technicianRequestsUnreached } from "../../approvals/reach";
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
          /** The batch view: pending technician requests of one tool, requester and/or client. */
          filter: z
            .object({ toolId: id.optional(), requesterEmail: z.string().trim().min(1).max(320).optional(), clientId: id.optional() })
            .optional(),
        })
        .optional(),
    )
    .query(({ ctx, input }) => listApprovalInbox(ctx, input)),
  decide: protectedProcedure
    .input(
      z.object({
        approvalRequestId: id,
        decision: z.enum(["approve", "deny"]),
        comment: z.string().trim().max(1_000).optional(),
        /** "Approve, and allow this again for N hours", with the arguments unpinned ("any value"). */
        grant: z.object({ hours: z.number().int().min(1).max(24), unpinned: z.array(z.string().max(200)).max(100).optional() }).optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      decideApproval(ctx.db, {
        workspaceId: ctx.user.workspaceId,
        approvalRequestId: input.approvalRequestId,
        decision: input.decision,
        comment: input.comment ?? null,
        grant: input.grant ?? null,
        actor: { kind: "user", userId: ctx.user.id, via: "web" },
      }),
    ),
  decideBatch: protectedProcedure
    .input(
      z.object({
        approvalRequestIds: z
          .array(id)
          .min(1, "Select at least one request.")
          .max(MAX_BATCH, `Decide at most ${MAX_BATCH} requests at once.`),
        decision: z.enum(["approve", "deny"]),
        comment: z.string().trim().max(1_000).optional(),
      }),
    )
    .mutation(({ ctx, input }) => decideApprovalBatch(ctx, input)),
  resendManagerRequest: protectedProcedure
    .input(z.object({ approvalRequestId: id }))
    .mutation(({ ctx, input }) => resendManagerRequest(ctx, input)),
  pendingCount: protectedProcedure.query(({ ctx }) => countPendingApprovals(ctx)),
  /** Who hears of requests about one client's (or the MSP's) tools: the policy explanation. */
  reach: protectedProcedure
    .input(z.object({ clientId: id.nullable() }))
    .query(({ ctx, input }) => explainReach(ctx.db, ctx.user.workspaceId, input.clientId)),
  /** True when technician requests reach nobody outside the inbox (the banner). */
  unreached: protectedProcedure.query(({ ctx }) => technicianRequestsUnreached(ctx.db, ctx.user.workspaceId)),
  runAgain: adminProcedure
    .input(z.object({ callId: id, confirmUnknownOutcome: z.boolean().optional() }))
    .mutation(({ ctx, input }) => runCallAgain(ctx, input)),
});
