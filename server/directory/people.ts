import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Executor } from "@/db";
import { clients, directoryPeople } from "@/db/schema";
import { recordAudit } from "../audit/record";
import type { UserContext } from "../context";
import { ServiceError } from "../errors";
import { parseCsv } from "./csv";
import { isEmail, rowsFromRecords, validateDirectoryRows, type RowError } from "./validate-rows";

const manager = alias(directoryPeople, "manager");

async function assertClient({ db, user }: UserContext, clientId: string) {
  const [client] = await db
    .select({ id: clients.id })
    .from(clients)
    .where(and(eq(clients.id, clientId), eq(clients.workspaceId, user.workspaceId)));
  if (!client) throw new ServiceError("not_found", "No such client in this workspace.");
}

export async function listPeople(ctx: UserContext, input: { clientId: string }) {
  await assertClient(ctx, input.clientId);
  return ctx.db
    .select({
      id: directoryPeople.id,
      email: directoryPeople.email,
      name: directoryPeople.name,
      slackUserId: directoryPeople.slackUserId,
      managerId: directoryPeople.managerId,
      managerName: manager.name,
      managerEmail: manager.email,
      reports: sql<number>`(select count(*) from directory_people r where r.manager_id = ${directoryPeople.id})`.mapWith(Number),
    })
    .from(directoryPeople)
    .leftJoin(manager, eq(manager.id, directoryPeople.managerId))
    .where(and(eq(directoryPeople.clientId, input.clientId), eq(directoryPeople.workspaceId, ctx.user.workspaceId)))
    .orderBy(asc(directoryPeople.name));
}

/** Refuses a manager who is not a person of the same client, or who would close a loop. */
async function assertManagerAllowed(
  db: Executor,
  workspaceId: string,
  clientId: string,
  personId: string | null,
  managerId: string | null,
): Promise<void> {
  if (managerId === null) return;
  if (managerId === personId) throw new ServiceError("invalid_input", "A person cannot be their own manager.");
  const [candidate] = await db
    .select({ id: directoryPeople.id })
    .from(directoryPeople)
    .where(and(eq(directoryPeople.id, managerId), eq(directoryPeople.clientId, clientId), eq(directoryPeople.workspaceId, workspaceId)));
  if (!candidate) throw new ServiceError("invalid_input", "The manager must be a person in the same client's directory.");
  if (personId === null) return;
  for (let current: string | null = managerId, steps = 0; current && steps < 10_000; steps++) {
    if (current === personId)
      throw new ServiceError("invalid_input", "That manager reports (directly or not) to this person: it would make a cycle.");
    const [row] = await db.select({ managerId: directoryPeople.managerId }).from(directoryPeople).where(eq(directoryPeople.id, current));
    current = row?.managerId ?? null;
  }
}

export async function addPerson(
  ctx: UserContext,
  input: { clientId: string; email: string; name: string; managerId?: string | null; slackUserId?: string | null },
) {
  await assertClient(ctx, input.clientId);
  const email = input.email.trim().toLowerCase();
  if (!isEmail(email)) throw new ServiceError("invalid_input", `"${input.email}" is not a valid e-mail address.`);
  await assertManagerAllowed(ctx.db, ctx.user.workspaceId, input.clientId, null, input.managerId ?? null);
  return ctx.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(directoryPeople)
      .values({
        workspaceId: ctx.user.workspaceId,
        clientId: input.clientId,
        email,
        name: input.name.trim(),
        managerId: input.managerId ?? null,
        slackUserId: input.slackUserId?.trim() || null,
      })
      .onConflictDoNothing()
      .returning({ id: directoryPeople.id });
    if (!inserted[0]) throw new ServiceError("conflict", `${email} is already in this client's directory.`);
    await recordAudit(tx, {
      workspaceId: ctx.user.workspaceId,
      actorType: "user",
      actorId: ctx.user.id,
      action: "directory.person_added",
      clientId: input.clientId,
      subjectType: "person",
      subjectId: inserted[0].id,
      data: { email },
    });
    return inserted[0];
  });
}

export async function updatePerson(
  ctx: UserContext,
  input: { personId: string; name?: string; managerId?: string | null; slackUserId?: string | null },
) {
  const [person] = await ctx.db
    .select()
    .from(directoryPeople)
    .where(and(eq(directoryPeople.id, input.personId), eq(directoryPeople.workspaceId, ctx.user.workspaceId)));
  if (!person) throw new ServiceError("not_found", "No such person in this workspace's directory.");
  if (input.managerId !== undefined) await assertManagerAllowed(ctx.db, ctx.user.workspaceId, person.clientId, person.id, input.managerId);
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(directoryPeople)
      .set({
        ...(input.name !== undefined ? { name: input.name.trim() } : {}),
        ...(input.managerId !== undefined ? { managerId: input.managerId } : {}),
        ...(input.slackUserId !== undefined ? { slackUserId: input.slackUserId?.trim() || null } : {}),
      })
      .where(eq(directoryPeople.id, person.id));
    await recordAudit(tx, {
      workspaceId: ctx.user.workspaceId,
      actorType: "user",
      actorId: ctx.user.id,
      action: "directory.person_updated",
      clientId: person.clientId,
      subjectType: "person",
      subjectId: person.id,
      data: { managerFrom: person.managerId, managerTo: input.managerId ?? person.managerId },
    });
  });
}

export async function removePerson(ctx: UserContext, input: { personId: string }) {
  await ctx.db.transaction(async (tx) => {
    const [removed] = await tx
      .delete(directoryPeople)
      .where(and(eq(directoryPeople.id, input.personId), eq(directoryPeople.workspaceId, ctx.user.workspaceId)))
      .returning();
    if (!removed) throw new ServiceError("not_found", "No such person in this workspace's directory.");
    await recordAudit(tx, {
      workspaceId: ctx.user.workspaceId,
      actorType: "user",
      actorId: ctx.user.id,
      action: "directory.person_removed",
      clientId: removed.clientId,
      subjectType: "person",
      subjectId: removed.id,
      data: { email: removed.email },
    });
  });
}

export type ImportReport = { applied: boolean; created: number; updated: number; errors: RowError[]; validRows: number };

/**
 * Imports `email,name,manager_email[,slack_user_id]` into a client's directory, adding new people
 * and updating known ones. Every bad row is reported by line number; a file with any bad row
 * imports nothing unless `importValidRows` is set, in which case the rows that stand on their own
 * are imported. All in one transaction.
 */
export async function importDirectoryCsv(
  ctx: UserContext,
  input: { clientId: string; csv: string; importValidRows: boolean },
): Promise<ImportReport> {
  await assertClient(ctx, input.clientId);
  const { db, user } = ctx;
  const parsed = rowsFromRecords(parseCsv(input.csv));
  const existing = await db
    .select({ id: directoryPeople.id, email: directoryPeople.email, managerEmail: manager.email })
    .from(directoryPeople)
    .leftJoin(manager, eq(manager.id, directoryPeople.managerId))
    .where(eq(directoryPeople.clientId, input.clientId));
  const checked = validateDirectoryRows(parsed.rows, existing);
  const errors = [...parsed.errors, ...checked.errors].sort((a, b) => a.line - b.line);
  if (parsed.rows.length === 0 && errors.length === 0) throw new ServiceError("invalid_input", "The file has no rows to import.");
  if (errors.length > 0 && !input.importValidRows)
    return { applied: false, created: 0, updated: 0, errors, validRows: checked.valid.length };
  const rows = checked.valid;
  if (rows.length === 0) return { applied: false, created: 0, updated: 0, errors, validRows: 0 };

  return db.transaction(async (tx) => {
    const known = new Set(existing.map((person) => person.email));
    await tx
      .insert(directoryPeople)
      .values(
        rows.map((row) => ({
          workspaceId: user.workspaceId,
          clientId: input.clientId,
          email: row.email,
          name: row.name,
          slackUserId: row.slackUserId,
        })),
      )
      .onConflictDoUpdate({
        target: [directoryPeople.clientId, directoryPeople.email],
        set: { name: sql`excluded.name`, slackUserId: sql`coalesce(excluded.slack_user_id, ${directoryPeople.slackUserId})` },
      });
    // Second pass: managers, by e-mail, now that everyone exists (one statement).
    const links = rows.map((row) => ({ email: row.email, manager_email: row.managerEmail }));
    await tx.execute(sql`
      update directory_people p set manager_id = m.id
      from jsonb_to_recordset(${JSON.stringify(links)}::jsonb) as v(email text, manager_email text)
      left join directory_people m on m.client_id = ${input.clientId} and m.email = v.manager_email
      where p.client_id = ${input.clientId} and p.email = v.email`);
    const created = rows.filter((row) => !known.has(row.email)).length;
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      actorType: "user",
      actorId: user.id,
      action: "directory.imported",
      clientId: input.clientId,
      data: { created, updated: rows.length - created, skippedRows: errors.map((error) => error.line) },
    });
    return { applied: true, created, updated: rows.length - created, errors, validRows: rows.length };
  });
}

/** Directory people by e-mail within one client (for resolving requesters and their managers). */
export async function findPeopleByEmail(db: Executor, clientId: string, emails: string[]) {
  if (emails.length === 0) return [];
  return db
    .select()
    .from(directoryPeople)
    .where(and(eq(directoryPeople.clientId, clientId), inArray(directoryPeople.email, emails)));
}
