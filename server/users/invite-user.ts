import { and, eq } from "drizzle-orm";
import { passwordSetupTokens, users, type UserRole } from "@/db/schema";
import { recordAudit } from "../audit/record";
import type { UserContext } from "../context";
import { ServiceError } from "../errors";
import { getEnv } from "../env";
import { newSecretToken, sha256Hex } from "../crypto/tokens";
import { enqueuePasswordLinkMail, workspaceCanEmail } from "./password-link-mail";

export const SETUP_LINK_LIFETIME_MS = 7 * 24 * 3600 * 1000;

/**
 * Adds a technician or admin without a password and returns a one-time link to set one. The link
 * is shown once to the admin to pass on; only its hash is stored.
 */
export async function inviteUser(
  { db, user: actor }: UserContext,
  input: { email: string; name: string; role: UserRole },
): Promise<{ userId: string; setupLink: string; emailed: boolean }> {
  const email = input.email.trim().toLowerCase();
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
  if (existing) throw new ServiceError("conflict", `A user with the e-mail ${email} already exists.`);
  const token = newSecretToken(32);
  // With SMTP set up the invitation is also e-mailed; the link is still shown once to the admin.
  const emailed = await workspaceCanEmail(db, actor.workspaceId);
  const userId = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(users)
      .values({ workspaceId: actor.workspaceId, email, name: input.name.trim(), role: input.role })
      .returning({ id: users.id });
    if (!created) throw new Error("user insert returned nothing");
    await tx.insert(passwordSetupTokens).values({
      userId: created.id,
      workspaceId: actor.workspaceId,
      tokenHash: sha256Hex(token),
      expiresAt: new Date(Date.now() + SETUP_LINK_LIFETIME_MS),
    });
    await recordAudit(tx, {
      workspaceId: actor.workspaceId,
      actorType: "user",
      actorId: actor.id,
      action: "user.invited",
      subjectType: "user",
      subjectId: created.id,
      data: { email, role: input.role, emailed },
    });
    if (emailed) await enqueuePasswordLinkMail(tx, { workspaceId: actor.workspaceId, userId: created.id, token, purpose: "invite" });
    return created.id;
  });
  return { userId, setupLink: `${getEnv().publicUrl}/set-password/${token}`, emailed };
}

/** A new one-time link for an existing user (a lost link, a forgotten password); older links stop working. */
export async function issuePasswordLink({ db, user: actor }: UserContext, input: { userId: string }): Promise<{ setupLink: string }> {
  const [target] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, input.userId), eq(users.workspaceId, actor.workspaceId)))
    .limit(1);
  if (!target) throw new ServiceError("not_found", "No such user in this workspace.");
  const token = newSecretToken(32);
  await db.transaction(async (tx) => {
    await tx.delete(passwordSetupTokens).where(eq(passwordSetupTokens.userId, target.id));
    await tx.insert(passwordSetupTokens).values({
      userId: target.id,
      workspaceId: actor.workspaceId,
      tokenHash: sha256Hex(token),
      expiresAt: new Date(Date.now() + SETUP_LINK_LIFETIME_MS),
    });
    await recordAudit(tx, {
      workspaceId: actor.workspaceId,
      actorType: "user",
      actorId: actor.id,
      action: "user.password_link_issued",
      subjectType: "user",
      subjectId: target.id,
    });
  });
  return { setupLink: `${getEnv().publicUrl}/set-password/${token}` };
}
