import { z } from "zod";
import { addPerson, importDirectoryCsv, listPeople, removePerson, updatePerson } from "../../directory/people";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "../trpc";

const id = z.string().min(1).max(64);
const slackUserId = z
  .string()
  .trim()
  .regex(/^$|^[UW][A-Z0-9]{2,20}$/, "A Slack user id looks like U0123ABCD")
  .nullable()
  .optional();

export const directoryRouter = createTRPCRouter({
  list: protectedProcedure.input(z.object({ clientId: id })).query(({ ctx, input }) => listPeople(ctx, input)),
  add: adminProcedure
    .input(
      z.object({
        clientId: id,
        email: z.string().trim().max(320),
        name: z.string().trim().min(1, "Enter a name").max(200),
        managerId: id.nullable().optional(),
        slackUserId,
      }),
    )
    .mutation(({ ctx, input }) => addPerson(ctx, input)),
  update: adminProcedure
    .input(z.object({ personId: id, name: z.string().trim().min(1).max(200).optional(), managerId: id.nullable().optional(), slackUserId }))
    .mutation(({ ctx, input }) => updatePerson(ctx, input)),
  remove: adminProcedure.input(z.object({ personId: id })).mutation(({ ctx, input }) => removePerson(ctx, input)),
  importCsv: adminProcedure
    .input(z.object({ clientId: id, csv: z.string().max(2_000_000, "The file is over 2 MB: split it"), importValidRows: z.boolean() }))
    .mutation(({ ctx, input }) => importDirectoryCsv(ctx, input)),
});
