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
import { adminProcedure, createTRPCRouter, protectedProcedure } from "../trpc";

const id = z.string().min(1).max(64);
const scope = z.object({ allClients: z.boolean(), clientIds: z.array(id).max(1_000), mspWide: z.boolean() });
const webhookUrl = z.string().trim().max(2_048).nullable();

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
  setAllPaused: adminProcedure.input(z.object({ paused: z.boolean() })).mutation(({ ctx, input }) => setAllAgentsPaused(ctx, input)),
});
