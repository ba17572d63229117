import { z } from "zod";
import { SSO_KINDS } from "@/db/schema";
import { getSsoSettings, saveSsoSettings, setPasswordSignIn } from "../../auth/sso/settings";
import { adminProcedure, createTRPCRouter } from "../trpc";

export const ssoRouter = createTRPCRouter({
  get: adminProcedure.query(({ ctx }) => getSsoSettings(ctx)),
  save: adminProcedure
    .input(
      z.object({
        kind: z.enum(SSO_KINDS),
        issuer: z.string().trim().max(500).optional(),
        tenant: z.string().trim().max(255).optional(),
        clientId: z.string().trim().min(1, "Enter the client (application) id").max(255),
        clientSecret: z.string().max(1_024).optional(),
        allowedDomains: z.array(z.string().trim().max(253)).max(50),
        enabled: z.boolean(),
      }),
    )
    .mutation(({ ctx, input }) => saveSsoSettings(ctx, input)),
  setPasswordSignIn: adminProcedure
    .input(z.object({ enabled: z.boolean(), breakGlassUserId: z.string().max(64).nullable().optional() }))
    .mutation(({ ctx, input }) => setPasswordSignIn(ctx, input)),
});
