import { z } from "zod";
import {
  createAgent,
  deleteAgent,
  issueAgentKey,
  listAgents,
  renameAgent,
  retireAgentKey,
  revokeAgentKey,
  setAgentPaused,
  setAgentScope,
  setAgentWebhook,
  setAllAgentsPaused,
} from "../../agents/manage-agents";
import { listLimitableTools, setAgentCallsPerMinute, setAgentPlanMode, setAgentToolLimit } from "../../agents/agent-limits";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "../trpc";

const id = z.string().min(1).max(64);
const scope = z.object({ allClients: z.boolean(), clientIds: z.array(id).max(1_000), mspWide: z.boolean() });
const webhookUrl = z.string().trim().max(2_048).nullable();
/** A limit is a whole number of calls, at least 1; null removes it. */
const limit = (unit: string, max: number) =>
  z
    .number({ error: `Enter the number of calls per ${unit}` })
    .int(`The limit must be a whole number of calls per ${unit}`)
    .min(1, `The limit must be at least 1 call per ${unit} (clear it to remove the limit)`)
    .max(max, `The limit may be at most ${max.toLocaleString("en")} calls per ${unit}`)
    .nullable();

export const agentsRouter = createTRPCRouter({
  list: protectedProcedure.query(({ ctx }) => listAgents(ctx)),
  create: adminProcedure
    .input(z.object({ name: z.string().trim().min(1, "Enter a name").max(120), scope, webhookUrl: webhookUrl.optional() }))
    .mutation(({ ctx, input }) => createAgent(ctx, input)),
  issueKey: adminProcedure.input(z.object({ agentId: id })).mutation(({ ctx, input }) => issueAgentKey(ctx, input)),
  retireKey: adminProcedure.input(z.object({ keyId: id })).mutation(({ ctx, input }) => retireAgentKey(ctx, input)),
  revokeKey: adminProcedure.input(z.object({ keyId: id })).mutation(({ ctx, input }) => revokeAgentKey(ctx, input)),
  rename: adminProcedure
    .input(z.object({ agentId: id, name: z.string().trim().min(1, "Enter a name").max(120) }))
    .mutation(({ ctx, input }) => renameAgent(ctx, input)),
  delete: adminProcedure.input(z.object({ agentId: id })).mutation(({ ctx, input }) => deleteAgent(ctx, input)),
  setPaused: adminProcedure.input(z.object({ agentId: id, paused: z.boolean() })).mutation(({ ctx, input }) => setAgentPaused(ctx, input)),
  setScope: adminProcedure.input(z.object({ agentId: id, scope })).mutation(({ ctx, input }) => setAgentScope(ctx, input)),
  setWebhook: adminProcedure.input(z.object({ agentId: id, webhookUrl })).mutation(({ ctx, input }) => setAgentWebhook(ctx, input)),
  limitableTools: protectedProcedure.query(({ ctx }) => listLimitableTools(ctx)),
  setPlanMode: adminProcedure
    .input(z.object({ agentId: id, planMode: z.boolean() }))
    .mutation(({ ctx, input }) => setAgentPlanMode(ctx, input)),
  setCallsPerMinute: adminProcedure
    .input(z.object({ agentId: id, callsPerMinute: limit("minute", 100_000) }))
    .mutation(({ ctx, input }) => setAgentCallsPerMinute(ctx, input)),
  setToolLimit: adminProcedure
    .input(z.object({ agentId: id, toolId: id, callsPerHour: limit("hour", 1_000_000) }))
    .mutation(({ ctx, input }) => setAgentToolLimit(ctx, input)),
  setAllPaused: adminProcedure.input(z.object({ paused: z.boolean() })).mutation(({ ctx, input }) => setAllAgentsPaused(ctx, input)),
});
