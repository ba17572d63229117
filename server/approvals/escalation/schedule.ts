import { eq, sql } from "drizzle-orm";
import type { Executor } from "@/db";
import { toolCalls, tools, workspaces } from "@/db/schema";
import { getEnv } from "../../env";
import type { NewJob } from "../../jobs/kinds";

export const ESCALATION_LEVELS = [1, 2] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

/** What decides when a technician request escalates: the workspace's settings and the tool's override. */
export type EscalationSetup = {
  minutes: number;
  /** The tool's own minutes (null: the workspace's). */
  toolMinutes: number | null;
  hasGroup: boolean;
  hasChannel: boolean;
  /** The second level (the admins); null: none. */
  secondMinutes: number | null;
};

export type EscalationTimer = { level: EscalationLevel; afterMinutes: number; runAt: Date };

/**
 * When a technician request made at `createdAt` escalates, if nobody answers: level 1 (the group
 * and/or the Slack channel) after the tool's minutes or else the workspace's, when a group or a
 * channel is set; level 2 (the admins) after the second level's minutes, when set and later than
 * level 1. A timer at or after the request's expiry is left out (an expired request needs nobody).
 * `minuteMs` is one minute (shorter only in tests, TOOLGATE_ESCALATION_MINUTE_SECONDS).
 */
export function escalationTimers(setup: EscalationSetup, createdAt: Date, expiresAt: Date, minuteMs = 60_000): EscalationTimer[] {
  const first = setup.toolMinutes ?? setup.minutes;
  const timers: EscalationTimer[] = [];
  if (setup.hasGroup || setup.hasChannel)
    timers.push({ level: 1, afterMinutes: first, runAt: new Date(createdAt.getTime() + first * minuteMs) });
  if (setup.secondMinutes !== null && setup.secondMinutes > first)
    timers.push({ level: 2, afterMinutes: setup.secondMinutes, runAt: new Date(createdAt.getTime() + setup.secondMinutes * minuteMs) });
  return timers.filter((timer) => timer.runAt < expiresAt);
}

/**
 * The escalation jobs of a call's technician request, to enqueue in the transaction that creates
 * it (approvals/create.ts): read from the call (already written in that transaction), its tool and
 * its workspace in one query. Each job fires once; its update is conditional on the request still
 * pending and not yet escalated that far (escalate.ts), so a decided request never escalates.
 */
export async function escalationJobs(
  tx: Executor,
  input: { workspaceId: string; callId: string; approvalRequestId: string; expiresAt: Date },
): Promise<NewJob[]> {
  const [row] = await tx
    .select({
      minutes: workspaces.escalationMinutes,
      groupSize: sql<number>`jsonb_array_length(${workspaces.escalationUserIds})`,
      channel: workspaces.escalationSlackChannel,
      secondMinutes: workspaces.escalationSecondMinutes,
      toolMinutes: tools.escalationMinutes,
    })
    .from(toolCalls)
    .innerJoin(workspaces, eq(workspaces.id, toolCalls.workspaceId))
    .leftJoin(tools, eq(tools.id, toolCalls.toolId))
    .where(eq(toolCalls.id, input.callId));
  if (!row) return [];
  const timers = escalationTimers(
    {
      minutes: row.minutes,
      toolMinutes: row.toolMinutes,
      hasGroup: Number(row.groupSize) > 0,
      hasChannel: Boolean(row.channel),
      secondMinutes: row.secondMinutes,
    },
    new Date(),
    input.expiresAt,
    getEnv().TOOLGATE_ESCALATION_MINUTE_SECONDS * 1000,
  );
  return timers.map((timer) => ({
    kind: "escalate_approval",
    workspaceId: input.workspaceId,
    payload: { approvalRequestId: input.approvalRequestId, level: timer.level, afterMinutes: timer.afterMinutes },
    runAt: timer.runAt,
    maxAttempts: 20,
  }));
}
