import { createHmac } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Executor } from "@/db";
import { approvalRequests, approvalTokens, toolCalls } from "@/db/schema";
import { getEnv } from "../env";
import { constantTimeEqual, newSecretToken, sha256Hex } from "../crypto/tokens";

export type Approver = { userId: string; personId?: never } | { personId: string; userId?: never };

/**
 * A deep-link token for one approver of one request: 32 random bytes, stored only as a SHA-256,
 * expiring with the request. Minted when a message is sent, so the raw token only ever exists in
 * that message.
 */
export async function mintApprovalToken(
  db: Executor,
  input: { workspaceId: string; approvalRequestId: string; expiresAt: Date; approver: Approver },
): Promise<string> {
  const token = newSecretToken(32);
  await db.insert(approvalTokens).values({
    workspaceId: input.workspaceId,
    approvalRequestId: input.approvalRequestId,
    tokenHash: sha256Hex(token),
    approverUserId: input.approver.userId ?? null,
    approverPersonId: input.approver.personId ?? null,
    expiresAt: input.expiresAt,
  });
  return token;
}

export const approvalLink = (token: string) => `${getEnv().publicUrl}/approve/${token}`;

/** The token row, its request and its call, or null for an unknown token. */
export async function findApprovalToken(db: Executor, token: string) {
  if (!/^[A-Za-z0-9_-]{40,60}$/.test(token)) return null;
  const [row] = await db
    .select({ token: approvalTokens, request: approvalRequests, call: toolCalls })
    .from(approvalTokens)
    .innerJoin(approvalRequests, eq(approvalRequests.id, approvalTokens.approvalRequestId))
    .innerJoin(toolCalls, eq(toolCalls.id, approvalRequests.callId))
    .where(eq(approvalTokens.tokenHash, sha256Hex(token)))
    .limit(1);
  return row ?? null;
}

export type FoundToken = NonNullable<Awaited<ReturnType<typeof findApprovalToken>>>;

/** Marks a token used (conditional: the first use wins). */
export async function markTokenUsed(db: Executor, tokenId: string): Promise<boolean> {
  const rows = await db
    .update(approvalTokens)
    .set({ usedAt: sql`now()` })
    .where(and(eq(approvalTokens.id, tokenId), isNull(approvalTokens.usedAt)))
    .returning({ id: approvalTokens.id });
  return rows.length === 1;
}

/** CSRF token for the deep-link page's form: bound to the deep-link token, keyed by AUTH_SECRET. */
export function approvalCsrfToken(token: string): string {
  return createHmac("sha256", getEnv().authSecret)
    .update(`approve-form:${sha256Hex(token)}`)
    .digest("base64url");
}

export function checkApprovalCsrfToken(token: string, presented: string): boolean {
  return constantTimeEqual(approvalCsrfToken(token), presented);
}
