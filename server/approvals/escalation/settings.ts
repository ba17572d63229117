import { and, eq, inArray } from "drizzle-orm";
import { tools, users, workspaces } from "@/db/schema";
import { recordAudit } from "../../audit/record";
import type { UserContext } from "../../context";
import { ServiceError } from "../../errors";

/** A Slack channel as chat.postMessage takes it: an id (C…, G…) or a name (#approvals). */
export const SLACK_CHANNEL = /^(#[a-z0-9][a-z0-9._-]{0,79}|[CG][A-Z0-9]{6,20})$/;

export type EscalationSettings = {
  minutes: number;
  userIds: string[];
  slackChannel: string | null;
  secondMinutes: number | null;
};

/**
 * The workspace's escalation settings, and the people who may be in the group (its active
 * technicians and admins) for the form to choose from.
 */
export async function getEscalationSettings({ db, user }: UserContext) {
  const [row] = await db
    .select({
      minutes: workspaces.escalationMinutes,
      userIds: workspaces.escalationUserIds,
      slackChannel: workspaces.escalationSlackChannel,
      secondMinutes: workspaces.escalationSecondMinutes,
    })
    .from(workspaces)
    .where(eq(workspaces.id, user.workspaceId));
  const people = await db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role })
    .from(users)
    .where(and(eq(users.workspaceId, user.workspaceId), eq(users.active, true)))
    .orderBy(users.name);
  return { settings: row! satisfies EscalationSettings, people };
}

/**
 * Saves when and to whom unanswered technician requests escalate. Group members must be active
 * users of this workspace; the second level must come after the first. Applies to requests made
 * from now on (timers are scheduled with each request). Audited in the same transaction.
 */
export async function saveEscalationSettings({ db, user }: UserContext, input: EscalationSettings): Promise<void> {
  const userIds = [...new Set(input.userIds)];
  if (input.secondMinutes !== null && input.secondMinutes <= input.minutes)
    throw new ServiceError("invalid_input", "The second level must come later than the first: enter more minutes than for the first.", {
      field: "secondMinutes",
    });
  await db.transaction(async (tx) => {
    const known = userIds.length
      ? await tx
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.workspaceId, user.workspaceId), eq(users.active, true), inArray(users.id, userIds)))
      : [];
    if (known.length !== userIds.length)
      throw new ServiceError("not_found", "Someone chosen for the escalation group is not an active user of this workspace.", {
        field: "userIds",
      });
    await tx
      .update(workspaces)
      .set({
        escalationMinutes: input.minutes,
        escalationUserIds: userIds,
        escalationSlackChannel: input.slackChannel,
        escalationSecondMinutes: input.secondMinutes,
      })
      .where(eq(workspaces.id, user.workspaceId));
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      actorType: "user",
      actorId: user.id,
      action: "workspace.settings_changed",
      data: { fields: ["escalation"], escalation: { ...input, userIds } },
    });
  });
}

/**
 * Sets one tool's own escalation minutes (null: the workspace's). Scoped to the workspace in the
 * update itself; audited as a settings change of the tool.
 */
export async function setToolEscalationMinutes(
  { db, user }: UserContext,
  input: { toolId: string; minutes: number | null },
): Promise<{ minutes: number | null }> {
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(tools)
      .set({ escalationMinutes: input.minutes })
      .where(and(eq(tools.id, input.toolId), eq(tools.workspaceId, user.workspaceId)))
      .returning({ id: tools.id, integrationId: tools.integrationId, name: tools.name });
    if (!updated) throw new ServiceError("not_found", "No such tool in this workspace.");
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      actorType: "user",
      actorId: user.id,
      action: "workspace.settings_changed",
      subjectType: "tool",
      subjectId: updated.id,
      data: { fields: ["toolEscalationMinutes"], tool: updated.name, integrationId: updated.integrationId, minutes: input.minutes },
    });
    return { minutes: input.minutes };
  });
}

/** One tool's escalation minutes beside the workspace's (the tool's details show both). */
export async function getToolEscalation({ db, user }: UserContext, input: { toolId: string }) {
  const [row] = await db
    .select({ minutes: tools.escalationMinutes, workspaceMinutes: workspaces.escalationMinutes })
    .from(tools)
    .innerJoin(workspaces, eq(workspaces.id, tools.workspaceId))
    .where(and(eq(tools.id, input.toolId), eq(tools.workspaceId, user.workspaceId)));
  if (!row) throw new ServiceError("not_found", "No such tool in this workspace.");
  return { ...row, canEdit: user.role === "admin" };
}
