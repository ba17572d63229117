import { eq } from "drizzle-orm";
import type { Database } from "@/db";
import { workspaces, type SmtpSettings } from "@/db/schema";
import { recordAudit } from "../audit/record";
import type { UserContext } from "../context";
import { sealSecret } from "../crypto/secret-box";
import { ServiceError } from "../errors";

export const smtpSecretContext = (workspaceId: string) => `smtp:${workspaceId}`;

/** Workspace settings as the General page shows them (the SMTP password only as "set or not"). */
/** The workspace's display name (the admin pages' header). */
export async function workspaceName(db: Database, workspaceId: string): Promise<string | null> {
  const [row] = await db.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.id, workspaceId));
  return row?.name ?? null;
}

export async function getWorkspaceSettings({ db, user }: UserContext) {
  const [workspace] = await db.select().from(workspaces).where(eq(workspaces.id, user.workspaceId));
  return {
    name: workspace!.name,
    slug: workspace!.slug,
    agentsPaused: workspace!.agentsPaused,
    approvalExpiryHours: Math.round((workspace!.approvalExpirySeconds / 3600) * 100) / 100,
    maxPendingApprovalsPerAgent: workspace!.maxPendingApprovalsPerAgent,
    grantMaxHours: workspace!.grantMaxHours,
    callRetentionDays: workspace!.callRetentionDays,
    toolsetVersion: workspace!.toolsetVersion,
    smtp: workspace!.smtpSettings ?? null,
    smtpPasswordSet: workspace!.smtpPasswordCiphertext !== null,
    timeZone: workspace!.timeZone,
  };
}

export type SettingsUpdate = {
  name?: string;
  approvalExpiryHours?: number;
  maxPendingApprovalsPerAgent?: number;
  /** The longest standing grant an approver may give (1–24 hours). */
  grantMaxHours?: number;
  /** Days to keep finished calls' arguments and results; null keeps them. */
  callRetentionDays?: number | null;
  smtp?: (SmtpSettings & { password?: string }) | null;
  /** IANA name, checked by the caller (the Overview's days follow it). */
  timeZone?: string;
};

/**
 * Saves the General settings. The stored SMTP password was given for one server: a new host, port,
 * or a switch away from TLS needs the password entered again (it is never sent somewhere new).
 */
export async function updateWorkspaceSettings({ db, user }: UserContext, input: SettingsUpdate): Promise<void> {
  await db.transaction(async (tx) => {
    const { password, ...smtp } = input.smtp ?? { password: undefined };
    if (input.smtp && !password) {
      const [current] = await tx
        .select({ smtp: workspaces.smtpSettings, password: workspaces.smtpPasswordCiphertext })
        .from(workspaces)
        .where(eq(workspaces.id, user.workspaceId))
        .for("update");
      const before = current?.smtp;
      const moved =
        before &&
        (before.host.trim().toLowerCase() !== input.smtp.host.trim().toLowerCase() ||
          before.port !== input.smtp.port ||
          (before.secure && !input.smtp.secure));
      if (current?.password && moved) {
        throw new ServiceError(
          "invalid_input",
          `The SMTP server is now ${input.smtp.host}:${input.smtp.port}: enter the SMTP password again, so the stored one is never sent to a new server.`,
          { field: "smtp.password" },
        );
      }
    }
    await tx
      .update(workspaces)
      .set({
        ...(input.name ? { name: input.name.trim() } : {}),
        ...(input.approvalExpiryHours !== undefined ? { approvalExpirySeconds: Math.round(input.approvalExpiryHours * 3600) } : {}),
        ...(input.maxPendingApprovalsPerAgent !== undefined ? { maxPendingApprovalsPerAgent: input.maxPendingApprovalsPerAgent } : {}),
        ...(input.grantMaxHours !== undefined ? { grantMaxHours: input.grantMaxHours } : {}),
        ...(input.callRetentionDays !== undefined ? { callRetentionDays: input.callRetentionDays } : {}),
        ...(input.timeZone ? { timeZone: input.timeZone } : {}),
        ...(input.smtp === null ? { smtpSettings: null, smtpPasswordCiphertext: null } : {}),
        ...(input.smtp ? { smtpSettings: smtp as SmtpSettings } : {}),
        ...(input.smtp && password ? { smtpPasswordCiphertext: sealSecret(password, smtpSecretContext(user.workspaceId)) } : {}),
      })
      .where(eq(workspaces.id, user.workspaceId));
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      actorType: "user",
      actorId: user.id,
      action: "workspace.settings_changed",
      data: { fields: Object.keys(input), smtpPasswordChanged: Boolean(input.smtp && password) },
    });
  });
}
