import { auditEvents, type AuditActorType } from "@/db/schema";
import type { Executor } from "@/db";
import type { AuditAction } from "./actions";

export type AuditEntry = {
  workspaceId: string;
  actorType: AuditActorType;
  actorId?: string | null;
  action: AuditAction;
  clientId?: string | null;
  subjectType?: string;
  subjectId?: string;
  callId?: string | null;
  data?: Record<string, unknown>;
};

/** Appends one audit event. Call it inside the transaction of the change it describes. */
export async function recordAudit(db: Executor, entry: AuditEntry | AuditEntry[]): Promise<void> {
  const rows = Array.isArray(entry) ? entry : [entry];
  if (rows.length === 0) return;
  await db.insert(auditEvents).values(rows.map((row) => ({ ...row, data: row.data ?? {} })));
}
