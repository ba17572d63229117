import { z } from "zod";
import { TOOL_POLICIES } from "@/db/schema";
import { listPolicyHistory } from "../../policy/history";
import { getToolDefinition, listToolPolicies, policiesByToolName } from "../../policy/list-tools";
import { confirmToolDefinitions, restoreSeededDefault, saveToolPolicies } from "../../policy/save";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "../trpc";

const id = z.string().min(1).max(64);
const revision = z.number().int().min(0);

export const policiesRouter = createTRPCRouter({
  tools: protectedProcedure.input(z.object({ integrationId: id })).query(({ ctx, input }) => listToolPolicies(ctx, input)),
  toolDefinition: protectedProcedure.input(z.object({ toolId: id })).query(({ ctx, input }) => getToolDefinition(ctx, input)),
  history: protectedProcedure.input(z.object({ integrationId: id })).query(({ ctx, input }) => listPolicyHistory(ctx, input)),
  copySource: protectedProcedure
    .input(z.object({ integrationId: id, fromIntegrationId: id }))
    .query(({ ctx, input }) => policiesByToolName(ctx, input)),
  save: adminProcedure
    .input(
      z.object({
        integrationId: id,
        revision,
        changes: z
          .array(
            z.object({
              toolId: id,
              policy: z.enum(TOOL_POLICIES),
              managerApproval: z.boolean(),
              technicianApprovals: z.number().int().min(1).max(3).optional(),
            }),
          )
          .max(10_000, "Save at most 10,000 changes at once"),
      }),
    )
    .mutation(({ ctx, input }) => saveToolPolicies(ctx, input)),
  restoreDefault: adminProcedure
    .input(z.object({ integrationId: id, toolId: id, revision }))
    .mutation(({ ctx, input }) => restoreSeededDefault(ctx, input)),
  confirmDefinitions: adminProcedure
    .input(z.object({ integrationId: id, toolIds: z.array(id).min(1).max(10_000), revision }))
    .mutation(({ ctx, input }) => confirmToolDefinitions(ctx, input)),
});
