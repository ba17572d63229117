import { eq } from "drizzle-orm";
import type { Database } from "@/db";
import { users, workspaces } from "@/db/schema";
import { recordAudit } from "../audit/record";
import { claimSignInAttempt, settleSuccessfulSignIn } from "./login-throttle";
import { verifyPassword } from "./password";
import { createSession } from "./sessions";

export type SignInResult =
  | { ok: true; sessionId: string; userId: string }
  | { ok: false; reason: "invalid_credentials" }
  | { ok: false; reason: "password_sign_in_off" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/**
 * Checks an e-mail and password and opens a server-side session. A wrong e-mail and a wrong password
 * look the same (same answer, same cost). Every check is claimed from the throttle first (per
 * account and address, per address, and more slowly per account), atomically, so parallel guesses
 * get no more checks than the allowance and cannot lock the owner out from another address.
 */
export async function signInWithPassword(
  db: Database,
  input: { email: string; password: string; clientAddress: string | null },
): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  const claim = await claimSignInAttempt(db, email, input.clientAddress);
  if (!claim.allowed) return { ok: false, reason: "throttled", retryAfterSeconds: claim.retryAfterSeconds };

  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  const passwordMatches = await verifyPassword(user?.passwordHash ?? null, input.password);
  if (!user || !user.active || !passwordMatches) {
    if (user) {
      await recordAudit(db, {
        workspaceId: user.workspaceId,
        actorType: "user",
        actorId: user.id,
        action: "user.sign_in_failed",
        data: { clientAddress: input.clientAddress },
      });
    }
    return { ok: false, reason: "invalid_credentials" };
  }
  // Password sign-in turned off for the workspace: only its break-glass admin keeps a password.
  // Said only after the right password, so it reveals nothing to someone guessing.
  const [workspace] = await db
    .select({ passwordSignIn: workspaces.passwordSignIn, breakGlassUserId: workspaces.breakGlassUserId })
    .from(workspaces)
    .where(eq(workspaces.id, user.workspaceId));
  if (workspace && !workspace.passwordSignIn && workspace.breakGlassUserId !== user.id) {
    await recordAudit(db, {
      workspaceId: user.workspaceId,
      actorType: "user",
      actorId: user.id,
      action: "user.sign_in_failed",
      data: { clientAddress: input.clientAddress, reason: "password_sign_in_off" },
    });
    return { ok: false, reason: "password_sign_in_off" };
  }
  const sessionId = await db.transaction(async (tx) => {
    const id = await createSession(tx, user);
    await settleSuccessfulSignIn(tx, claim);
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      actorType: "user",
      actorId: user.id,
      action: "user.signed_in",
      data: { sessionId: id, method: "password" },
    });
    return id;
  });
  return { ok: true, sessionId, userId: user.id };
}
