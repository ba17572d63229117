import { and, eq, gt } from "drizzle-orm";
import type { Database, Executor } from "@/db";
import { passwordSetupTokens, users, workspaces } from "@/db/schema";
import { workspaceSmtp } from "../approvals/deliver/channels";
import { recordAudit } from "../audit/record";
import { openSecret, sealSecret } from "../crypto/secret-box";
import { getEnv } from "../env";
import { enqueueJobs } from "../jobs/enqueue";
import type { JobRow } from "../jobs/worker";
import { sendPlainMail } from "../mail/send-mail";
import { newSecretToken, sha256Hex } from "../crypto/tokens";
import { claimSignInAttempt } from "../auth/login-throttle";

export const RESET_LINK_LIFETIME_MS = 60 * 60 * 1000;
const linkContext = (userId: string) => `password-link:${userId}`;

/**
 * Queues the e-mail that carries a one-time password link, inside the caller's transaction. The
 * job holds the link sealed (AES-GCM, bound to the user): the database keeps only its hash and the
 * sealed copy, which the sender opens once.
 */
export async function enqueuePasswordLinkMail(
  tx: Executor,
  input: { workspaceId: string; userId: string; token: string; purpose: "invite" | "reset" },
): Promise<void> {
  await enqueueJobs(tx, [
    {
      kind: "send_password_link",
      workspaceId: input.workspaceId,
      payload: { userId: input.userId, purpose: input.purpose, sealedToken: sealSecret(input.token, linkContext(input.userId)) },
    },
  ]);
}

/** Whether the workspace can e-mail (SMTP saved). */
export async function workspaceCanEmail(db: Executor, workspaceId: string): Promise<boolean> {
  const [row] = await db.select({ smtp: workspaces.smtpSettings }).from(workspaces).where(eq(workspaces.id, workspaceId));
  return Boolean(row?.smtp);
}

/** The job: sends the link if it is still the user's current, unexpired one (a newer link replaces it). */
export async function sendPasswordLinkMail(job: JobRow, db: Database): Promise<void> {
  const userId = String(job.payload.userId);
  const token = openSecret<string>(String(job.payload.sealedToken), linkContext(userId));
  const [current] = await db
    .select({ id: passwordSetupTokens.id })
    .from(passwordSetupTokens)
    .where(
      and(
        eq(passwordSetupTokens.userId, userId),
        eq(passwordSetupTokens.tokenHash, sha256Hex(token)),
        gt(passwordSetupTokens.expiresAt, new Date()),
      ),
    );
  if (!current) return;
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  const smtp = user ? await workspaceSmtp(db, user.workspaceId) : null;
  if (!user || !smtp) return;
  const link = `${getEnv().publicUrl}/set-password/${token}`;
  const invite = job.payload.purpose === "invite";
  await sendPlainMail(smtp, user.email, {
    subject: invite ? "You have been invited to Toolgate" : "Reset your Toolgate password",
    text: invite
      ? `Hello ${user.name},\n\nYou have been invited to Toolgate. Set your password with this one-time link (valid for 7 days):\n\n${link}\n`
      : `Hello ${user.name},\n\nSomeone (hopefully you) asked to reset your Toolgate password. Set a new one with this one-time link (valid for 1 hour):\n\n${link}\n\nIf it was not you, ignore this e-mail: your password stays as it is.\n`,
  });
}

/**
 * "Forgot password": e-mails a one-time link when the account exists, is active, may sign in with a
 * password (not a single-sign-on-only workspace, unless it is the break-glass admin) and the
 * workspace has SMTP. Always returns nothing, whatever the case, so the answer tells nobody which
 * addresses have accounts; throttled per address and per client address.
 */
export async function requestPasswordReset(db: Database, input: { email: string; clientAddress: string | null }): Promise<void> {
  const email = input.email.trim().toLowerCase();
  // Every request counts, found or not, on the sign-in throttle's keys (prefixed, so resets and
  // sign-ins do not use up each other's allowance).
  const claim = await claimSignInAttempt(db, `reset:${email}`, input.clientAddress ? `reset:${input.clientAddress}` : null);
  if (!claim.allowed) return;
  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  if (!user || !user.active) return;
  const [workspace] = await db
    .select({ passwordSignIn: workspaces.passwordSignIn, breakGlassUserId: workspaces.breakGlassUserId, smtp: workspaces.smtpSettings })
    .from(workspaces)
    .where(eq(workspaces.id, user.workspaceId));
  if (!workspace?.smtp) return;
  if (!workspace.passwordSignIn && workspace.breakGlassUserId !== user.id) return;
  const token = newSecretToken(32);
  await db.transaction(async (tx) => {
    await tx.delete(passwordSetupTokens).where(eq(passwordSetupTokens.userId, user.id));
    await tx.insert(passwordSetupTokens).values({
      userId: user.id,
      workspaceId: user.workspaceId,
      tokenHash: sha256Hex(token),
      expiresAt: new Date(Date.now() + RESET_LINK_LIFETIME_MS),
    });
    await enqueuePasswordLinkMail(tx, { workspaceId: user.workspaceId, userId: user.id, token, purpose: "reset" });
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      actorType: "user",
      actorId: user.id,
      action: "user.password_reset_requested",
      subjectType: "user",
      subjectId: user.id,
      data: { clientAddress: input.clientAddress },
    });
  });
}
