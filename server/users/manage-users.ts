import { and, asc, count, eq, ne, sql } from "drizzle-orm";
import type { Transaction } from "@/db";
import { users, workspaces, type UserRole } from "@/db/schema";
import { recordAudit } from "../audit/record";
import { revokeUserSessions } from "../auth/sessions";
import type { UserContext } from "../context";
import { ServiceError } from "../errors";

export async function listUsers({ db, user }: UserContext) {
  return db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      active: users.active,
      hasPassword: users.passwordHash,
      createdAt: users.createdAt,
      ssoLinked: sql<boolean>`exists (select 1 from user_identities i where i.user_id = "users"."id")`,
    })
    .from(users)
    .where(eq(users.workspaceId, user.workspaceId))
    .orderBy(asc(users.name))
    .then((rows) => rows.map((row) => ({ ...row, hasPassword: row.hasPassword !== null })));
}

/** Locks the workspace row so that two admins demoting each other cannot leave none behind. */
async function assertAnotherActiveAdmin(tx: Transaction, workspaceId: string, exceptUserId: string): Promise<void> {
  await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, workspaceId)).for("update");
  const [row] = await tx
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.workspaceId, workspaceId), eq(users.role, "admin"), eq(users.active, true), ne(users.id, exceptUserId)));
  if (!row || row.n === 0) throw new ServiceError("conflict", "This is the last active admin: make someone else an admin first.");
}

/** While password sign-in is off, the break-glass admin is the way back in: they stay an active admin. */
async function assertNotBreakGlass(tx: Transaction, workspaceId: string, userId: string): Promise<void> {
  const [workspace] = await tx
    .select({ passwordSignIn: workspaces.passwordSignIn, breakGlassUserId: workspaces.breakGlassUserId })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  if (workspace && !workspace.passwordSignIn && workspace.breakGlassUserId === userId)
    throw new ServiceError(
      "conflict",
      "This is the break-glass admin while password sign-in is off: choose another one on Single sign-on first.",
    );
}

async function loadTarget(tx: Transaction, workspaceId: string, userId: string) {
  const [target] = await tx
    .select()
    .from(users)
    .where(and(eq(users.id, userId), eq(users.workspaceId, workspaceId)))
    .limit(1);
  if (!target) throw new ServiceError("not_found", "No such user in this workspace.");
  return target;
}

/** Changes a role; the user's sessions end so the new role applies on their next request. */
export async function changeUserRole({ db, user: actor }: UserContext, input: { userId: string; role: UserRole }): Promise<void> {
  await db.transaction(async (tx) => {
    const target = await loadTarget(tx, actor.workspaceId, input.userId);
    if (target.role === input.role) return;
    if (target.role === "admin") await assertAnotherActiveAdmin(tx, actor.workspaceId, target.id);
    await assertNotBreakGlass(tx, actor.workspaceId, target.id);
    await tx.update(users).set({ role: input.role }).where(eq(users.id, target.id));
    await revokeUserSessions(tx, target.id);
    await recordAudit(tx, {
      workspaceId: actor.workspaceId,
      actorType: "user",
      actorId: actor.id,
      action: "user.role_changed",
      subjectType: "user",
      subjectId: target.id,
      data: { from: target.role, to: input.role },
    });
  });
}

/** Deactivates or reactivates a user; deactivation ends every session of theirs at once. */
export async function setUserActive({ db, user: actor }: UserContext, input: { userId: string; active: boolean }): Promise<void> {
  await db.transaction(async (tx) => {
    const target = await loadTarget(tx, actor.workspaceId, input.userId);
    if (target.active === input.active) return;
    if (!input.active && target.role === "admin") await assertAnotherActiveAdmin(tx, actor.workspaceId, target.id);
    if (!input.active) await assertNotBreakGlass(tx, actor.workspaceId, target.id);
    await tx.update(users).set({ active: input.active }).where(eq(users.id, target.id));
    if (!input.active) await revokeUserSessions(tx, target.id);
    await recordAudit(tx, {
      workspaceId: actor.workspaceId,
      actorType: "user",
      actorId: actor.id,
      action: input.active ? "user.reactivated" : "user.deactivated",
      subjectType: "user",
      subjectId: target.id,
    });
  });
}
