import { z } from "zod";
import {
  getEscalationSettings,
  getToolEscalation,
  saveEscalationSettings,
  setToolEscalationMinutes,
  SLACK_CHANNEL,
} from "../../approvals/escalation/settings";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "../trpc";

const id = z.string().min(1).max(64);
const minutes = z
  .number("Enter a number of minutes")
  .int("Whole minutes")
  .min(1, "At least 1 minute")
  .max(7 * 24 * 60, "At most a week (10,080 minutes)");

export const escalationRouter = createTRPCRouter({
  settings: protectedProcedure.query(({ ctx }) => getEscalationSettings(ctx)),
  save: adminProcedure
    .input(
      z.object({
        minutes,
        userIds: z.array(id).max(200, "At most 200 people"),
        slackChannel: z
          .string()
          .trim()
          .regex(SLACK_CHANNEL, "Enter a Slack channel id (C0123ABCD) or name (#approvals, lower case)")
          .nullable(),
        secondMinutes: minutes.nullable(),
      }),
    )
    .mutation(({ ctx, input }) => saveEscalationSettings(ctx, input)),
  tool: protectedProcedure.input(z.object({ toolId: id })).query(({ ctx, input }) => getToolEscalation(ctx, input)),
  setTool: adminProcedure
    .input(z.object({ toolId: id, minutes: minutes.nullable() }))
    .mutation(({ ctx, input }) => setToolEscalationMinutes(ctx, input)),
});
