import { and, eq, gt, isNull } from "drizzle-orm";
import type { Database } from "@/db";
import { passwordSetupTokens, users } from "@/db/schema";
import { recordAudit } from "../audit/record";
import { hashPassword } from "../auth/password";
import { revokeUserSessions } from "../auth/sessions";
import { ServiceError } from "../errors";
import { sha256Hex } from "../crypto/tokens";

export async function findPasswordLink(db: Database, token: string) {
  const [row] = await db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      usedAt: passwordSetupTokens.usedAt,
      expiresAt: passwordSetupTokens.expiresAt,
    })
    .from(passwordSetupTokens)
    .innerJoin(users, eq(users.id, passwordSetupTokens.userId))
    .where(eq(passwordSetupTokens.tokenHash, sha256Hex(token)))
    .limit(1);
  if (!row) return { state: "unknown" as const };
  if (row.usedAt) return { state: "used" as const };
  if (row.expiresAt.getTime() < Date.now()) return { state: "expired" as const };
  return { state: "valid" as const, email: row.email, name: row.name };
}

/**
 * Sets a password through a one-time link. The token is consumed by a conditional update, so a
 * link works once even when submitted twice at the same moment; other sessions of the user end.
 */
export async function setPasswordFromLink(db: Database, input: { token: string; password: string }): Promise<{ email: string }> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [claimed] = await tx
      .update(passwordSetupTokens)
      .set({ usedAt: new Date() })
      .where(
        and(
          eq(passwordSetupTokens.tokenHash, sha256Hex(input.token)),
          isNull(passwordSetupTokens.usedAt),
          gt(passwordSetupTokens.expiresAt, new Date()),
        ),
      )
      .returning({ userId: passwordSetupTokens.userId, workspaceId: passwordSetupTokens.workspaceId });
    if (!claimed) throw new ServiceError("token_used", "This link has already been used or has expired. Ask an admin for a new one.");
    const [user] = await tx.update(users).set({ passwordHash }).where(eq(users.id, claimed.userId)).returning({ email: users.email });
    if (!user) throw new ServiceError("not_found", "The user of this link no longer exists.");
    await revokeUserSessions(tx, claimed.userId);
    await recordAudit(tx, { workspaceId: claimed.workspaceId, actorType: "user", actorId: claimed.userId, action: "user.password_set" });
    return user;
  });
}
