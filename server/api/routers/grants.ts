import { z } from "zod";
import { listActiveGrants, revokeGrant } from "../../grants/manage-grants";
import { createTRPCRouter, protectedProcedure } from "../trpc";

export const grantsRouter = createTRPCRouter({
  /** Active standing grants (the Grants page). */
  list: protectedProcedure.query(({ ctx }) => listActiveGrants(ctx)),
  revoke: protectedProcedure.input(z.object({ grantId: z.string().min(1).max(64) })).mutation(({ ctx, input }) => revokeGrant(ctx, input)),
});
