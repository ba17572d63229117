import { createHmac, timingSafeEqual } from "node:crypto";
import { canonicalJson } from "../crypto/canonical-json";

/** What a link covers: every column of the event, in a fixed order, plus its place in the chain. */
export type ChainedEvent = {
  seq: number;
  id: string;
  workspaceId: string;
  /** ISO 8601 in UTC with microseconds, exactly as the database holds it. */
  at: string;
  actorType: string;
  actorId: string | null;
  action: string;
  clientId: string | null;
  subjectType: string | null;
  subjectId: string | null;
  callId: string | null;
  data: unknown;
};

/** The link before a workspace's first event. */
export const GENESIS_LINK = "0".repeat(64);

/**
 * One workspace's chain key, derived from TOOLGATE_AUDIT_KEY. An admin can hand it to one client's
 * auditor to verify that workspace's export without revealing the key of any other workspace.
 */
export function workspaceChainKey(auditKey: Buffer, workspaceId: string): Buffer {
  return createHmac("sha256", auditKey).update(`toolgate audit chain v1\n${workspaceId}`).digest();
}

export function eventContent(event: ChainedEvent): string {
  return canonicalJson([
    event.seq,
    event.id,
    event.workspaceId,
    event.at,
    event.actorType,
    event.actorId,
    event.action,
    event.clientId,
    event.subjectType,
    event.subjectId,
    event.callId,
    event.data,
  ]);
}

/** `HMAC-SHA256(chainKey, previousLink + "\n" + content)` in hex. */
export function chainLink(chainKey: Buffer, previousLink: string, event: ChainedEvent): string {
  return createHmac("sha256", chainKey)
    .update(`${previousLink}\n${eventContent(event)}`)
    .digest("hex");
}

/** Constant-time comparison of two hex links. */
export function linksEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}
