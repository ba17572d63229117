import { z } from "zod";
import { CALL_STATUSES } from "@/db/schema";
import { getCallDetail, listCalls } from "../../activity/list-calls";
import { createTRPCRouter, protectedProcedure } from "../trpc";

const id = z.string().min(1).max(64);

export const activityRouter = createTRPCRouter({
  list: protectedProcedure
    .input(
      z.object({
        clientId: z.string().max(64).optional(),
        agentId: id.optional(),
        tool: z.string().max(200).optional(),
        integrationId: id.optional(),
        tools: z.array(z.string().max(200)).max(100).optional(),
        q: z.string().max(200).optional(),
        status: z.enum(CALL_STATUSES).optional(),
        from: z.date().optional(),
        to: z.date().optional(),
        before: id.optional(),
        limit: z.number().int().min(1).max(500).optional(),
      }),
    )
    .query(({ ctx, input }) => listCalls(ctx, input)),
  detail: protectedProcedure.input(z.object({ callId: id })).query(({ ctx, input }) => getCallDetail(ctx, input)),
});
