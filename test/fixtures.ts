import type { Database } from "@/db";
import { randomBase62 } from "@/db/ids";
import { users, workspaces, type UserRole } from "@/db/schema";
import type { SessionUser } from "@/server/auth/session-user";
import { createSession } from "@/server/auth/sessions";
import { hashPassword } from "@/server/auth/password";

export const uniqueSuffix = () => randomBase62(8).toLowerCase();

export async function createWorkspace(db: Database, name = `MSP ${uniqueSuffix()}`) {
  const [workspace] = await db
    .insert(workspaces)
    .values({ name, slug: `msp-${uniqueSuffix()}` })
    .returning();
  return workspace!;
}

/** A user with an open session, as the tRPC context and domain functions see them. */
export async function createUser(
  db: Database,
  workspaceId: string,
  options: { role?: UserRole; password?: string; email?: string; name?: string } = {},
): Promise<SessionUser> {
  const email = options.email ?? `user-${uniqueSuffix()}@example.test`;
  const [user] = await db
    .insert(users)
    .values({
      workspaceId,
      email,
      name: options.name ?? "Test User",
      role: options.role ?? "admin",
      passwordHash: options.password ? await hashPassword(options.password) : null,
    })
    .returning();
  const sessionId = await createSession(db, user!);
  return { id: user!.id, sessionId, workspaceId, email, name: user!.name, role: user!.role };
}
