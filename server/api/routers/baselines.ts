import { z } from "zod";
import { TOOL_POLICIES } from "@/db/schema";
import { createBaselineFromIntegration } from "../../baselines/create";
import { followBaseline, resetToolToBaseline, stopFollowingBaseline } from "../../baselines/follow";
import { baselineForIntegration, getBaseline, listBaselines } from "../../baselines/read";
import { saveBaseline } from "../../baselines/save-baseline";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "../trpc";

const id = z.string().min(1).max(64);
const revision = z.number().int().min(0);

export const baselinesRouter = createTRPCRouter({
  list: protectedProcedure.query(({ ctx }) => listBaselines(ctx)),
  get: protectedProcedure.input(z.object({ baselineId: id })).query(({ ctx, input }) => getBaseline(ctx, input)),
  forIntegration: protectedProcedure.input(z.object({ integrationId: id })).query(({ ctx, input }) => baselineForIntegration(ctx, input)),
  createFromIntegration: adminProcedure
    .input(z.object({ integrationId: id, revision, name: z.string().trim().min(1, "Give the baseline a name.").max(120) }))
    .mutation(({ ctx, input }) => createBaselineFromIntegration(ctx, input)),
  save: adminProcedure
    .input(
      z.object({
        baselineId: id,
        revision,
        entries: z
          .array(z.object({ toolName: z.string().min(1).max(200), policy: z.enum(TOOL_POLICIES), managerApproval: z.boolean() }))
          .max(10_000, "Save at most 10,000 changes at once"),
      }),
    )
    .mutation(({ ctx, input }) => saveBaseline(ctx, input)),
  follow: adminProcedure
    .input(z.object({ integrationId: id, baselineId: id, revision }))
    .mutation(({ ctx, input }) => followBaseline(ctx, input)),
  unfollow: adminProcedure.input(z.object({ integrationId: id, revision })).mutation(({ ctx, input }) => stopFollowingBaseline(ctx, input)),
  resetTool: adminProcedure
    .input(z.object({ integrationId: id, toolId: id, revision }))
    .mutation(({ ctx, input }) => resetToolToBaseline(ctx, input)),
});
