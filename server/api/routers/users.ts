import { z } from "zod";
import { APPROVAL_NOTIFY, USER_ROLES } from "@/db/schema";
import { getMyApprovalNotify, setMyApprovalNotify } from "../../users/approval-notify";
import { issuePasswordLink, inviteUser } from "../../users/invite-user";
import { changeUserRole, listUsers, setUserActive } from "../../users/manage-users";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "../trpc";

const userId = z.string().min(1).max(64);

export const usersRouter = createTRPCRouter({
  list: protectedProcedure.query(({ ctx }) => listUsers(ctx)),
  invite: adminProcedure
    .input(
      z.object({
        email: z.email("Enter a valid e-mail address").max(320),
        name: z.string().trim().min(1, "Enter a name").max(200),
        role: z.enum(USER_ROLES),
      }),
    )
    .mutation(({ ctx, input }) => inviteUser(ctx, input)),
  issuePasswordLink: adminProcedure.input(z.object({ userId })).mutation(({ ctx, input }) => issuePasswordLink(ctx, input)),
  changeRole: adminProcedure.input(z.object({ userId, role: z.enum(USER_ROLES) })).mutation(({ ctx, input }) => changeUserRole(ctx, input)),
  /** The signed-in user's own notification choice for approval requests (Slack, e-mail, both). */
  myApprovalNotify: protectedProcedure.query(({ ctx }) => getMyApprovalNotify(ctx)),
  setMyApprovalNotify: protectedProcedure
    .input(z.object({ approvalNotify: z.enum(APPROVAL_NOTIFY, 'Choose "slack", "email" or "both"') }))
    .mutation(({ ctx, input }) => setMyApprovalNotify(ctx, input)),
  setActive: adminProcedure.input(z.object({ userId, active: z.boolean() })).mutation(({ ctx, input }) => setUserActive(ctx, input)),
});
