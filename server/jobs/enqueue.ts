import type { Executor } from "@/db";
import { jobs } from "@/db/schema";
import { publishEvent } from "../events/bus";

export type NewJob = {
  kind: string;
  payload: Record<string, unknown>;
  workspaceId?: string | null;
  runAt?: Date;
  maxAttempts?: number;
};

/**
 * Writes jobs into the outbox inside the caller's transaction: they exist, and the worker is woken,
 * only if that transaction commits. Returns the job ids.
 */
export async function enqueueJobs(db: Executor, newJobs: NewJob[]): Promise<string[]> {
  if (newJobs.length === 0) return [];
  const rows = await db
    .insert(jobs)
    .values(
      newJobs.map((job) => ({
        kind: job.kind,
        payload: job.payload,
        workspaceId: job.workspaceId ?? null,
        runAt: job.runAt ?? new Date(),
        maxAttempts: job.maxAttempts ?? 8,
      })),
    )
    .returning({ id: jobs.id });
  await publishEvent(db, { type: "jobs" });
  return rows.map((row) => row.id);
}

export async function enqueueJob(db: Executor, job: NewJob): Promise<string> {
  const [id] = await enqueueJobs(db, [job]);
  return id!;
}
