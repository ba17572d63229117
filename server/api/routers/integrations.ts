import { z } from "zod";
import { setMcpPrefix } from "../../integrations/mcp-names";
import { INTEGRATION_STATUSES, NEW_TOOL_STARTS } from "@/db/schema";
import { connectIntegration, testConnection } from "../../integrations/connect";
import { getIntegrationDetail } from "../../integrations/detail";
import { listIntegrations } from "../../integrations/list";
import { setIntegrationStatus, updateIntegration } from "../../integrations/manage";
import { resyncIntegration } from "../../integrations/sync";
import { SLUG_PATTERN } from "../../workspaces/slug";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "../trpc";

const id = z.string().min(1).max(64);
const secret = z.string().trim().max(4_096);

const mcpSettings = z.object({
  kind: z.literal("mcp"),
  url: z.string().trim().min(1, "Enter the server's URL").max(2_048),
  authHeaderName: z.string().trim().max(64).optional(),
  authHeaderValue: secret.optional(),
});
const slackSettings = z.object({
  kind: z.literal("slack"),
  botToken: secret.min(1, "Enter the bot token"),
  signingSecret: secret.optional(),
});
const demoSettings = z.object({ kind: z.literal("demo_directory"), dataset: z.string().max(64) });
const jiraSettings = z.object({
  kind: z.literal("jira"),
  siteUrl: z.string().trim().min(1, "Enter the Jira site URL").max(2_048),
  accountEmail: z.email("Enter the account's e-mail"),
  apiToken: secret.min(1, "Enter an API token"),
});
const connectwiseSettings = z.object({
  kind: z.literal("connectwise"),
  siteUrl: z.string().trim().min(1, "Enter the ConnectWise site URL").max(2_048),
  companyId: z.string().trim().min(1, "Enter the company id").max(100),
  clientId: z.string().trim().min(1, "Enter the client id").max(100),
  publicKey: secret.min(1, "Enter the public key"),
  privateKey: secret.min(1, "Enter the private key"),
});

export const integrationsRouter = createTRPCRouter({
  list: protectedProcedure.query(({ ctx }) => listIntegrations(ctx)),
  get: protectedProcedure.input(z.object({ integrationId: id })).query(({ ctx, input }) => getIntegrationDetail(ctx, input)),
  testConnection: adminProcedure
    .input(z.discriminatedUnion("kind", [mcpSettings, slackSettings, jiraSettings, connectwiseSettings]))
    .mutation(({ ctx, input }) => testConnection(ctx, input)),
  connect: adminProcedure
    .input(
      z.object({
        clientId: id.nullable(),
        name: z.string().trim().min(1, "Enter a name").max(120),
        slug: z
          .string()
          .trim()
          .regex(SLUG_PATTERN, "The slug must be 1–40 lower-case letters, digits or dashes, starting with a letter or digit"),
        settings: z.discriminatedUnion("kind", [mcpSettings, slackSettings, demoSettings, jiraSettings, connectwiseSettings]),
        start: z
          .enum(NEW_TOOL_STARTS, { error: "Choose how the new tools start: as classified, needing approval, or disabled" })
          .optional(),
      }),
    )
    .mutation(({ ctx, input }) => connectIntegration(ctx, input)),
  resync: adminProcedure.input(z.object({ integrationId: id })).mutation(({ ctx, input }) => resyncIntegration(ctx, input)),
  setStatus: adminProcedure
    .input(z.object({ integrationId: id, status: z.enum(INTEGRATION_STATUSES) }))
    .mutation(({ ctx, input }) => setIntegrationStatus(ctx, input)),
  setMcpPrefix: adminProcedure
    .input(z.object({ integrationId: id, prefix: z.string().trim().max(20).nullable() }))
    .mutation(({ ctx, input }) => setMcpPrefix(ctx, input)),
  update: adminProcedure
    .input(
      z.object({
        integrationId: id,
        name: z.string().trim().min(1).max(120).optional(),
        url: z.string().trim().max(2_048).optional(),
        authHeaderName: z.string().trim().max(64).optional(),
        credentials: z
          .object({ authHeaderValue: secret.optional(), botToken: secret.optional(), signingSecret: secret.optional() })
          .optional(),
      }),
    )
    .mutation(({ ctx, input }) => updateIntegration(ctx, input)),
});
