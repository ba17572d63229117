import { and, eq, gt, isNull } from "drizzle-orm";
import type { Executor } from "@/db";
import { sessions, users } from "@/db/schema";
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

export async function revokeUserSessions(db: Executor, userId: string): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
}
