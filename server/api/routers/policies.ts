import { z } from "zod";
import { TOOL_POLICIES } from "@/db/schema";
import { listPolicyHistory } from "../../policy/history";
import { previewDraftImpact } from "../../policy/impact-preview";
import { getToolDefinition, listToolPolicies, policiesByToolName } from "../../policy/list-tools";
import { policyRulesSchema } from "../../policy/rules";
import { confirmToolDefinitions, restoreSeededDefault, saveToolPolicies } from "../../policy/save";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "../trpc";

const id = z.string().min(1).max(64);
const revision = z.number().int().min(0);
const changes = z
  .array(
    z.object({
      toolId: id,
      policy: z.enum(TOOL_POLICIES),
      managerApproval: z.boolean(),
      rules: policyRulesSchema.optional(),
      technicianApprovals: z.number().int().min(1).max(3).optional(),
    }),
  )
  .max(10_000, "Save at most 10,000 changes at once");

export const policiesRouter = createTRPCRouter({
  tools: protectedProcedure.input(z.object({ integrationId: id })).query(({ ctx, input }) => listToolPolicies(ctx, input)),
  toolDefinition: protectedProcedure.input(z.object({ toolId: id })).query(({ ctx, input }) => getToolDefinition(ctx, input)),
  history: protectedProcedure.input(z.object({ integrationId: id })).query(({ ctx, input }) => listPolicyHistory(ctx, input)),
  copySource: protectedProcedure
    .input(z.object({ integrationId: id, fromIntegrationId: id }))
    .query(({ ctx, input }) => policiesByToolName(ctx, input)),
  /** What the draft would have done to the integration's recent calls (read-only). */
  previewImpact: protectedProcedure
    .input(z.object({ integrationId: id, changes, days: z.number().int().min(1, "At least 1 day").max(90, "At most 90 days").default(7) }))
    .query(({ ctx, input }) => previewDraftImpact(ctx, input)),
  save: adminProcedure
    .input(
      z.object({
        integrationId: id,
        revision,
        changes,
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
