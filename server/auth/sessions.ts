import { and, eq, gt, isNull } from "drizzle-orm";
import type { Database, Executor } from "@/db";
import { sessions, users } from "@/db/schema";
import { recordAudit } from "../audit/record";
import type { SessionUser } from "./session-user";

export const SESSION_LIFETIME_SECONDS = 30 * 24 * 3600;

export async function createSession(db: Executor, user: { id: string; workspaceId: string }): Promise<string> {
  const [row] = await db
    .insert(sessions)
    .values({ userId: user.id, workspaceId: user.workspaceId, expiresAt: new Date(Date.now() + SESSION_LIFETIME_SECONDS * 1000) })
    .returning({ id: sessions.id });
  if (!row) throw new Error("session insert returned nothing");
  return row.id;
}

/**
 * The user behind a session id, or null when the session was revoked, has expired, or its user was
 * deactivated. Role and workspace come from the database on every request, so a change of role
 * takes effect at once.
 */
export async function loadSessionUser(db: Executor, sessionId: string): Promise<SessionUser | null> {
  const [row] = await db
    .select({ id: users.id, workspaceId: users.workspaceId, email: users.email, name: users.name, role: users.role })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date()), eq(users.active, true)))
    .limit(1);
  return row ? { ...row, sessionId } : null;
}

export async function revokeSession(db: Executor, sessionId: string): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

/**
 * Sign-out: the session is revoked and the event recorded in one transaction (a second sign-out
 * with the same cookie records nothing), so an old copy of the cookie is refused from then on.
 */
export async function signOutSession(db: Database, user: Pick<SessionUser, "id" | "workspaceId" | "sessionId">): Promise<void> {
  await db.transaction(async (tx) => {
    const revoked = await tx
      .update(sessions)
      .set({ revokedAt: new Date() })
      .where(and(eq(sessions.id, user.sessionId), eq(sessions.userId, user.id), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id });
    if (revoked.length)
      await recordAudit(tx, { workspaceId: user.workspaceId, actorType: "user", actorId: user.id, action: "user.signed_out" });
  });
}

export async function revokeUserSessions(db: Executor, userId: string): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
}
