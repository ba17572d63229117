import { z } from "zod";
import { isKnownTimeZone } from "../../overview/time-zone";
import { listApprovalChannels, sendTestEmail } from "../../workspaces/approval-channels";
import { getWorkspaceSettings, updateWorkspaceSettings } from "../../workspaces/settings";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "../trpc";

const smtp = z.object({
  host: z.string().trim().min(1, "Enter the SMTP host").max(255),
  port: z
    .number("Enter a port number")
    .int("Enter a whole port number")
    .min(1, "Ports run from 1 to 65535")
    .max(65_535, "Ports run from 1 to 65535"),
  secure: z.boolean(),
  username: z.string().trim().max(255).nullable(),
  from: z.string().trim().min(3, "Enter the sender address, such as Toolgate <approvals@msp.example>").max(320),
  password: z.string().max(1_024).optional(),
});

export const settingsRouter = createTRPCRouter({
  get: protectedProcedure.query(({ ctx }) => getWorkspaceSettings(ctx)),
  channels: protectedProcedure.query(({ ctx }) => listApprovalChannels(ctx)),
  sendTestEmail: adminProcedure.mutation(({ ctx }) => sendTestEmail(ctx)),
  update: adminProcedure
    .input(
      z.object({
        name: z.string().trim().min(1, "Enter the MSP's name").max(120, "At most 120 characters").optional(),
        approvalExpiryHours: z
          .number()
          .min(0.25, "At least 15 minutes")
          .max(24 * 30, "At most 30 days")
          .optional(),
        maxPendingApprovalsPerAgent: z.number().int("A whole number").min(1, "At least 1").max(1_000, "At most 1,000").optional(),
        grantMaxHours: z.number().int("Whole hours").min(1, "At least 1 hour").max(24, "At most 24 hours").optional(),
        callRetentionDays: z
          .number()
          .int("Whole days")
          .min(1, "Keep them at least a day (or leave it empty to keep them)")
          .max(3_650, "At most ten years")
          .nullable()
          .optional(),
        smtp: smtp.nullable().optional(),
        timeZone: z
          .string()
          .max(64)
          .refine(isKnownTimeZone, { message: "Choose a time zone from the list (an IANA name such as Europe/Berlin)" })
          .optional(),
      }),
    )
    .mutation(({ ctx, input }) => updateWorkspaceSettings(ctx, input)),
});
