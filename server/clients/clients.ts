import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { clients, integrations } from "@/db/schema";
import { recordAudit } from "../audit/record";
import type { UserContext } from "../context";
import { ServiceError } from "../errors";
import { recordAccessChange } from "../integrations/toolset-version";
import { SLUG_PATTERN, slugify } from "../workspaces/slug";

export async function listClients({ db, user }: UserContext, input: { includeArchived?: boolean } = {}) {
  return db
    .select({
      id: clients.id,
      slug: clients.slug,
      name: clients.name,
      archivedAt: clients.archivedAt,
      // Written with explicit aliases: drizzle renders a column of the single table being selected
      // without its table name, so `client_id = id` inside a subquery would compare the subquery's
      // own row with itself.
      integrationCount: sql<number>`(select count(*) from integrations i
        where i.client_id = "clients"."id" and i.status <> 'disconnected')`.mapWith(Number),
      peopleCount: sql<number>`(select count(*) from directory_people p where p.client_id = "clients"."id")`.mapWith(Number),
    })
    .from(clients)
    .where(and(eq(clients.workspaceId, user.workspaceId), input.includeArchived ? undefined : isNull(clients.archivedAt)))
    .orderBy(asc(clients.name));
}

async function loadClient({ db, user }: UserContext, clientId: string) {
  const [client] = await db
    .select()
    .from(clients)
    .where(and(eq(clients.id, clientId), eq(clients.workspaceId, user.workspaceId)));
  if (!client) throw new ServiceError("not_found", "No such client in this workspace.");
  return client;
}

export async function createClient(ctx: UserContext, input: { name: string; slug?: string }): Promise<{ id: string; slug: string }> {
  const { db, user } = ctx;
  const name = input.name.trim();
  const slug = (input.slug?.trim() || slugify(name)).slice(0, 40);
  if (!SLUG_PATTERN.test(slug)) throw new ServiceError("invalid_input", "The slug must be 1–40 lower-case letters, digits or dashes.");
  const [taken] = await db
    .select({ id: clients.id })
    .from(clients)
    .where(and(eq(clients.workspaceId, user.workspaceId), eq(clients.slug, slug)));
  if (taken) throw new ServiceError("conflict", `Another client already uses the slug "${slug}".`);
  return db.transaction(async (tx) => {
    const [client] = await tx
      .insert(clients)
      .values({ workspaceId: user.workspaceId, name, slug })
      .returning({ id: clients.id, slug: clients.slug });
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      actorType: "user",
      actorId: user.id,
      action: "client.created",
      clientId: client!.id,
      subjectType: "client",
      subjectId: client!.id,
      data: { name, slug },
    });
    return client!;
  });
}

export async function renameClient(ctx: UserContext, input: { clientId: string; name: string }): Promise<void> {
  const client = await loadClient(ctx, input.clientId);
  await ctx.db.transaction(async (tx) => {
    await tx.update(clients).set({ name: input.name.trim() }).where(eq(clients.id, client.id));
    await recordAudit(tx, {
      workspaceId: ctx.user.workspaceId,
      actorType: "user",
      actorId: ctx.user.id,
      action: "client.renamed",
      clientId: client.id,
      subjectType: "client",
      subjectId: client.id,
      data: { from: client.name, to: input.name.trim() },
    });
  });
}

/**
 * Archives a client (or brings it back). Archiving pauses the client's active integrations, so
 * agents lose its tools at once; bringing it back leaves them paused for an admin to resume.
 */
export async function setClientArchived(
  ctx: UserContext,
  input: { clientId: string; archived: boolean },
): Promise<{ pausedIntegrations: number }> {
  const client = await loadClient(ctx, input.clientId);
  if ((client.archivedAt !== null) === input.archived) return { pausedIntegrations: 0 };
  return ctx.db.transaction(async (tx) => {
    await tx
      .update(clients)
      .set({ archivedAt: input.archived ? new Date() : null })
      .where(eq(clients.id, client.id));
    let paused: Array<{ id: string }> = [];
    if (input.archived) {
      paused = await tx
        .update(integrations)
        .set({ status: "paused", revision: sql`${integrations.revision} + 1` })
        .where(and(eq(integrations.clientId, client.id), eq(integrations.status, "active")))
        .returning({ id: integrations.id });
      await recordAccessChange(tx, {
        workspaceId: ctx.user.workspaceId,
        cause: "client.archived",
        actor: { type: "user", id: ctx.user.id },
      });
    }
    await recordAudit(tx, {
      workspaceId: ctx.user.workspaceId,
      actorType: "user",
      actorId: ctx.user.id,
      action: input.archived ? "client.archived" : "client.unarchived",
      clientId: client.id,
      subjectType: "client",
      subjectId: client.id,
      data: { pausedIntegrations: paused.map((row) => row.id) },
    });
    return { pausedIntegrations: paused.length };
  });
}
