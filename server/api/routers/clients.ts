import { z } from "zod";
import { createClient, listClients, renameClient, setClientArchived } from "../../clients/clients";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "../trpc";

const id = z.string().min(1).max(64);
const name = z.string().trim().min(1, "Enter a name").max(120);

export const clientsRouter = createTRPCRouter({
  list: protectedProcedure
    .input(z.object({ includeArchived: z.boolean().optional() }).optional())
    .query(({ ctx, input }) => listClients(ctx, input)),
  create: adminProcedure
    .input(z.object({ name, slug: z.string().trim().max(40).optional() }))
    .mutation(({ ctx, input }) => createClient(ctx, input)),
  rename: adminProcedure.input(z.object({ clientId: id, name })).mutation(({ ctx, input }) => renameClient(ctx, input)),
  setArchived: adminProcedure
    .input(z.object({ clientId: id, archived: z.boolean() }))
    .mutation(({ ctx, input }) => setClientArchived(ctx, input)),
});
