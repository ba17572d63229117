import type { Executor } from "@/db";
import { jobs } from "@/db/schema";
import { publishEvent } from "../events/bus";
import type { NewJob } from "./kinds";

export type { NewJob } from "./kinds";

/**
 * Writes jobs into the outbox inside the caller's transaction: they exist, and the worker is woken,
 * only if that transaction commits. Returns the job ids.
 */
export async function enqueueJobs(db: Executor, newJobs: NewJob[]): Promise<string[]> {
  return insertJobs(db, newJobs);
}

/** A job of any kind: what the worker engine's own tests enqueue. The app enqueues `NewJob`s. */
export type AnyJob = { kind: string; payload: Record<string, unknown>; workspaceId?: string | null; runAt?: Date; maxAttempts?: number };

/** The outbox insert behind `enqueueJobs`, untyped by kind (the worker engine's tests use their own kinds). */
export async function insertJobs(db: Executor, newJobs: AnyJob[]): Promise<string[]> {
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

/** One job of any kind (the worker engine's tests). */
export async function insertJob(db: Executor, job: AnyJob): Promise<string> {
  const [id] = await insertJobs(db, [job]);
  return id!;
}
