import { z } from "zod";
import { getOverview, OVERVIEW_RANGES } from "../../overview/overview";
import { createTRPCRouter, protectedProcedure } from "../trpc";

const range = z.union(OVERVIEW_RANGES.map((days) => z.literal(days)) as [z.ZodLiteral<7>, z.ZodLiteral<30>, z.ZodLiteral<90>]);

export const overviewRouter = createTRPCRouter({
  get: protectedProcedure
    .input(z.object({ days: range, client: z.string().min(1).max(64).optional() }))
    .query(({ ctx, input }) => getOverview(ctx, input)),
});
