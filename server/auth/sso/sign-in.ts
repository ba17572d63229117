import { and, eq } from "drizzle-orm";
import type { Database, Transaction } from "@/db";
import { isUniqueViolation } from "@/db/results";
import { userIdentities, users } from "@/db/schema";
import { recordAudit } from "../../audit/record";
import { createSession } from "../sessions";
import { identityFromClaims, type SsoConfig } from "./claims";

export const SSO_REFUSALS = [
  "wrong_tenant",
  "no_subject",
  "email_unverified",
  "domain_not_allowed",
  "identity_mismatch",
  "other_workspace",
  "inactive",
  "pending_activation",
] as const;
export type SsoRefusal = (typeof SSO_REFUSALS)[number];

export type SsoSignInResult = { ok: true; userId: string; sessionId: string } | { ok: false; reason: SsoRefusal };

/** What the sign-in page says for each refusal (never whether another workspace's account exists). */
export const SSO_REFUSAL_MESSAGES: Record<SsoRefusal, string> = {
  wrong_tenant: "That account belongs to another organisation than the one this workspace signs in with.",
  no_subject: "The identity provider did not say who you are; ask your admin to check the single sign-on settings.",
  email_unverified: "Your identity provider did not confirm your e-mail address, so it cannot be used to sign in.",
  domain_not_allowed: "Your e-mail domain may not sign in to this workspace. Ask your admin to invite you.",
  identity_mismatch: "Your account is already linked to another single sign-on identity. Ask your admin.",
  other_workspace: "Your e-mail address belongs to an account this single sign-on cannot open. Ask your admin.",
  inactive: "Your account is not active: an admin has yet to activate it, or deactivated it. Ask your admin.",
  pending_activation: "Your account was created and waits for an admin to activate it. You can sign in once they have.",
};

async function refuse(
  db: Database | Transaction,
  config: SsoConfig,
  reason: SsoRefusal,
  data: Record<string, unknown>,
  userId?: string,
): Promise<SsoSignInResult> {
  await recordAudit(db, {
    workspaceId: config.workspaceId,
    actorType: userId ? "user" : "system",
    actorId: userId ?? null,
    action: "user.sso_refused",
    data: { reason, ...data },
  });
  return { ok: false, reason };
}

/**
 * Signs in through the workspace's SSO with ID-token claims next-auth has validated (issuer,
 * audience, nonce, PKCE). A known identity (issuer + tenant + subject) opens a session for its user
 * if active. A first sign-in needs a verified e-mail in an allowed domain: an invited (or existing)
 * user of this workspace is bound to the identity for good; anyone else from the domain is created
 * inactive for an admin to activate. The e-mail never re-binds an identity. Every outcome is audited.
 */
export async function signInWithSso(db: Database, config: SsoConfig, claims: Record<string, unknown>): Promise<SsoSignInResult> {
  const identity = identityFromClaims(config, claims);
  if ("refused" in identity) return refuse(db, config, identity.refused, { issuer: claims.iss, tenant: claims.tid ?? claims.hd ?? null });
  const audit = { issuer: identity.issuer, tenant: identity.tenant, subject: identity.subject, email: identity.email };
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction(async (tx) => {
        const [bound] = await tx
          .select({ identityId: userIdentities.id, user: users })
          .from(userIdentities)
          .innerJoin(users, eq(users.id, userIdentities.userId))
          .where(
            and(
              eq(userIdentities.issuer, identity.issuer),
              eq(userIdentities.tenant, identity.tenant),
              eq(userIdentities.subject, identity.subject),
            ),
          );
        let user = bound?.user;
        let createdNow = false;
        if (bound) {
          if (bound.user.workspaceId !== config.workspaceId) return refuse(tx, config, "other_workspace", audit);
        } else {
          if (!identity.email || !identity.emailVerified) return refuse(tx, config, "email_unverified", audit);
          if (!config.allowedDomains.includes(identity.email.split("@")[1] ?? "")) return refuse(tx, config, "domain_not_allowed", audit);
          [user] = await tx.select().from(users).where(eq(users.email, identity.email)).for("update");
          if (user && user.workspaceId !== config.workspaceId) return refuse(tx, config, "other_workspace", audit);
          if (user) {
            const [linked] = await tx
              .select({ id: userIdentities.id })
              .from(userIdentities)
              .where(
                and(
                  eq(userIdentities.userId, user.id),
                  eq(userIdentities.issuer, identity.issuer),
                  eq(userIdentities.tenant, identity.tenant),
                ),
              );
            if (linked) return refuse(tx, config, "identity_mismatch", audit, user.id);
          } else {
            // Uninvited, from an allowed domain: created inactive, for an admin to activate and give a role.
            [user] = await tx
              .insert(users)
              .values({
                workspaceId: config.workspaceId,
                email: identity.email,
                name: identity.name ?? identity.email,
                role: "technician",
                active: false,
              })
              .returning();
            createdNow = true;
            await recordAudit(tx, {
              workspaceId: config.workspaceId,
              actorType: "system",
              action: "user.created_by_sso",
              subjectType: "user",
              subjectId: user!.id,
              data: audit,
            });
          }
          await tx.insert(userIdentities).values({ workspaceId: config.workspaceId, userId: user!.id, ...identity, email: identity.email });
          await recordAudit(tx, {
            workspaceId: config.workspaceId,
            actorType: "user",
            actorId: user!.id,
            action: "user.sso_linked",
            subjectType: "user",
            subjectId: user!.id,
            data: audit,
          });
        }
        if (!user!.active) {
          // A user created just now is committed (inactive) even though this sign-in is refused.
          return refuse(tx, config, createdNow ? "pending_activation" : "inactive", audit, user!.id);
        }
        const sessionId = await createSession(tx, user!);
        await tx
          .update(userIdentities)
          .set({ lastSignInAt: new Date() })
          .where(
            and(
              eq(userIdentities.issuer, identity.issuer),
              eq(userIdentities.tenant, identity.tenant),
              eq(userIdentities.subject, identity.subject),
            ),
          );
        await recordAudit(tx, {
          workspaceId: config.workspaceId,
          actorType: "user",
          actorId: user!.id,
          action: "user.signed_in",
          data: { sessionId, method: "sso", issuer: identity.issuer },
        });
        return { ok: true as const, userId: user!.id, sessionId };
      });
    } catch (error) {
      // Two first sign-ins of one identity at once: the second finds it bound on the retry.
      if (attempt === 0 && isUniqueViolation(error)) continue;
      throw error;
    }
  }
}
