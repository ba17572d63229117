import { randomUUID } from "node:crypto";
import { eq, sql, type SQL } from "drizzle-orm";
import type { Database, DatabaseHandle } from "@/db";
import { rowsOf } from "@/db/results";
import { jobAttempts, jobs } from "@/db/schema";
import { subscribeEvents } from "../events/bus";
import { errorText, log } from "../log/logger";
import { PermanentJobError, RetryLaterError } from "./errors";
import type { JobKind, JobOf } from "./kinds";
import { getEnv } from "../env";

export type JobRow = typeof jobs.$inferSelect;
/** The app's handler table: one handler per job kind, each given the payload its kind promises (jobs/kinds.ts). */
export type JobHandlers = { [K in JobKind]: (job: JobOf<K>, db: Database) => Promise<void> };
/** A handler of any kind, given the stored row (what the worker engine's own tests register). */
export type JobHandler = (job: JobRow, db: Database) => Promise<void>;

export type WorkerOptions = {
  /** The app's typed table (jobs/handlers.ts), or an engine test's own kinds. */
  handlers: JobHandlers | Record<string, JobHandler>;
  /** Jobs one worker runs at once in each lane (default 10); also what one `runOnce` claims. */
  batchSize?: number;
  /**
   * Kinds that wait on a system Toolgate does not control (an approved tool, an agent's webhook):
   * they get a lane of their own, so however many of them hang, approval deliveries still go out.
   */
  longRunningKinds?: string[];
  /**
   * How many long-running jobs of one workspace this worker runs at once (default: half its slots,
   * at least 1), so one workspace's slow tools never hold every slot: the rest stay free for other
   * workspaces' jobs.
   */
  longRunningPerWorkspace?: number;
  pollIntervalMs?: number;
  /** Delay before the retry after `attempts` failures. Default: 2 s · 2^(attempts−1), capped at 1 h, ±20 %. */
  backoffMs?: (attempts: number) => number;
  /** A job running longer than this is presumed lost with its worker and handed out again. */
  staleAfterMs?: number;
  jobTimeoutMs?: number;
  /** Told of every attempt after it ran (metrics); must not throw. */
  onAttempt?: (attempt: JobAttemptReport) => void;
  /** Work every instance does on a timer besides the outbox (the call sweep, the audit sealer), errors logged. */
  periodic?: PeriodicTask | PeriodicTask[];
};

export type JobAttemptReport = { kind: string; queueWaitMs: number; durationMs: number; failed: boolean };

/** A task run beside the jobs every `everyMs`, never two runs of it at a time. */
export type PeriodicTask = { name?: string; everyMs: number; run: (db: Database) => Promise<unknown> };

export function defaultBackoffMs(attempts: number): number {
  const base = Math.min(3_600_000, 2_000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

type Claimed = { id: string; kind: string; attempts: number; max_attempts: number };

function withTimeout<T>(promise: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${label} did not finish within ${ms} ms`)), ms);
    }),
  ]);
}

/**
 * The outbox worker. Claims due jobs with FOR UPDATE SKIP LOCKED (any number of instances share
 * the work, none is done twice), fairly across workspaces (round-robin, and at most
 * `longRunningPerWorkspace` long-running jobs of one workspace at once on this worker), runs each
 * with a timeout, and records every attempt. A failure is
 * retried with exponential backoff until `max_attempts`, then the job is marked dead with its error.
 */
export function createWorker(handle: DatabaseHandle, options: WorkerOptions) {
  const workerId = `worker_${randomUUID().slice(0, 8)}`;
  const db = handle.db;
  const batchSize = options.batchSize ?? 10;
  const backoffMs = options.backoffMs ?? defaultBackoffMs;
  const staleAfterMs = options.staleAfterMs ?? 10 * 60_000;
  const jobTimeoutMs = options.jobTimeoutMs ?? 120_000;

  const longRunning = sql.join(
    (options.longRunningKinds ?? []).map((kind) => sql`${kind}`),
    sql`, `,
  );
  const perWorkspace = Math.max(1, Math.min(batchSize, options.longRunningPerWorkspace ?? Math.ceil(batchSize / 2)));
  /** Each lane: which kinds, how many of one workspace's jobs may run at once, the jobs under way. */
  type Lane = { filter: SQL; perWorkspace: number | null; inFlight: Set<Promise<void>> };
  const lanes: Lane[] = options.longRunningKinds?.length
    ? [
        { filter: sql`kind in (${longRunning})`, perWorkspace, inFlight: new Set() },
        // Deliveries take milliseconds: claimed round-robin, without a per-workspace limit.
        { filter: sql`kind not in (${longRunning})`, perWorkspace: null, inFlight: new Set() },
      ]
    : [{ filter: sql`true`, perWorkspace: null, inFlight: new Set() }];

  /** Hands out again the jobs of a worker presumed dead. */
  async function releaseStale(): Promise<void> {
    await db.execute(sql`
      update jobs set status = 'pending', locked_at = null, locked_by = null
      where status = 'running' and locked_at < now() - make_interval(secs => ${staleAfterMs / 1000})`);
  }

  /**
   * Claims up to `limit` due jobs of a lane, fairly across workspaces: each workspace's due jobs
   * are ranked by age, and the first of every workspace is claimed before the second of any
   * (round-robin), skipping a workspace that already has `perWorkspace` jobs of this lane running
   * on this worker. Candidates are chosen from a snapshot, then locked with FOR UPDATE SKIP LOCKED
   * and re-checked (status, run_at) under the lock, so instances claiming at the same moment never
   * take the same job; a candidate another instance took is skipped, and the next pass claims more.
   */
  async function claim(limit: number, lane: Pick<Lane, "filter" | "perWorkspace">): Promise<Claimed[]> {
    const { filter } = lane;
    const withinLimit =
      lane.perWorkspace === null
        ? sql`true`
        : sql`candidate.rank + coalesce((
            select count(*) from jobs busy
            where busy.status = 'running' and busy.locked_by = ${workerId} and ${filter}
              and coalesce(busy.workspace_id, '') = candidate.workspace), 0) <= ${lane.perWorkspace}`;
    const result = await db.execute(sql`
      update jobs set status = 'running', locked_at = now(), locked_by = ${workerId}, attempts = attempts + 1
      where id in (
        select id from jobs
        where status = 'pending' and run_at <= now() and id in (
          select candidate.id from (
            select id, run_at, coalesce(workspace_id, '') as workspace,
              row_number() over (partition by coalesce(workspace_id, '') order by run_at, id) as rank
            from jobs where status = 'pending' and run_at <= now() and ${filter}
          ) candidate
          where ${withinLimit}
          order by candidate.rank, candidate.run_at, candidate.id
          limit ${limit})
        for update skip locked)
      returning id, kind, attempts, max_attempts`);
    return rowsOf<Claimed>(result);
  }

  async function runJob(claimed: Claimed): Promise<void> {
    const startedAt = new Date();
    const [job] = await db.select().from(jobs).where(eq(jobs.id, claimed.id));
    if (!job) return;
    // The row's kind and payload were written by enqueueJobs, typed by the same map.
    const handler = (options.handlers as Record<string, JobHandler | undefined>)[job.kind];
    let error: unknown = null;
    try {
      if (!handler) throw new PermanentJobError(`no handler for job kind "${job.kind}"`);
      await withTimeout(handler(job, db), jobTimeoutMs, `job ${job.kind}`);
    } catch (caught) {
      error = caught;
    }
    const finishedAt = new Date();
    options.onAttempt?.({
      kind: job.kind,
      queueWaitMs: Math.max(0, startedAt.getTime() - job.runAt.getTime()),
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      failed: error !== null,
    });
    const message = error === null ? null : error instanceof Error ? error.message : String(error);
    if (message !== null && getEnv().TOOLGATE_LOG_JOBS !== "off") {
      log("warn", "job attempt failed", { job: job.id, kind: job.kind, attempt: claimed.attempts, error: message });
    }
    await db.transaction(async (tx) => {
      await tx.insert(jobAttempts).values({ jobId: job.id, attempt: claimed.attempts, startedAt, finishedAt, error: message });
      if (error === null) {
        await tx.update(jobs).set({ status: "done", finishedAt, lockedAt: null, lastError: null }).where(eq(jobs.id, job.id));
      } else if (error instanceof PermanentJobError || claimed.attempts >= claimed.max_attempts) {
        await tx.update(jobs).set({ status: "dead", finishedAt, lockedAt: null, lastError: message }).where(eq(jobs.id, job.id));
      } else {
        const delay = error instanceof RetryLaterError ? error.retryAfterMs : backoffMs(claimed.attempts);
        await tx
          .update(jobs)
          .set({ status: "pending", runAt: new Date(Date.now() + delay), lockedAt: null, lockedBy: null, lastError: message })
          .where(eq(jobs.id, job.id));
      }
    });
  }

  /** Claims one batch per lane and runs it to completion; returns how many jobs ran (tests drive the worker with it). */
  async function runOnce(): Promise<number> {
    await releaseStale();
    const claimed: Claimed[] = [];
    for (const lane of lanes) claimed.push(...(await claim(batchSize, lane)));
    await Promise.all(claimed.map((job) => runJob(job)));
    return claimed.length;
  }

  function warn(msg: string, error: unknown): void {
    log("warn", msg, { error: errorText(error) });
  }

  let running = false;
  let wake: (() => void) | null = null;
  // Set by a NOTIFY, or a job finishing, while a pass is running, so that wake-up is not lost.
  let woken = false;
  let loop: Promise<void> | null = null;
  let unsubscribe: (() => void) | null = null;
  // Jobs run in pools of `batchSize` slots (per lane), not batch by batch: an approved tool that
  // takes 30 s must not hold up the Slack DMs and e-mails of requests made meanwhile.
  const periodic = (Array.isArray(options.periodic) ? options.periodic : options.periodic ? [options.periodic] : []).map((task) => ({
    task,
    lastRun: 0,
    running: null as Promise<void> | null,
  }));

  function nudge(): void {
    woken = true;
    wake?.();
  }

  async function runLoop(): Promise<void> {
    while (running) {
      // The sweep may run approved calls itself; each task runs beside the jobs (and the other
      // tasks), never two runs of one at a time.
      for (const slot of periodic) {
        if (slot.running || Date.now() - slot.lastRun < slot.task.everyMs) continue;
        slot.lastRun = Date.now();
        slot.running = slot.task
          .run(db)
          .then(
            () => undefined,
            (error: unknown) => warn(`periodic ${slot.task.name ?? "sweep"} failed`, error),
          )
          .finally(() => (slot.running = null));
      }
      woken = false;
      try {
        await releaseStale();
        for (const lane of lanes) {
          const free = batchSize - lane.inFlight.size;
          if (free === 0) continue;
          for (const job of await claim(free, lane)) {
            const run: Promise<void> = runJob(job)
              // The database may be briefly unreachable while the attempt is recorded; the job is
              // handed out again once it counts as stale.
              .catch((error: unknown) => warn("job bookkeeping failed", error))
              .finally(() => {
                lane.inFlight.delete(run);
                nudge();
              });
            lane.inFlight.add(run);
          }
        }
      } catch (error) {
        // The database may be briefly unreachable; the loop keeps going and tries again.
        warn("job worker pass failed", error);
      }
      // A NOTIFY or a job finishing during the pass: look again at once.
      if (woken) continue;
      // stop() may have been called while the pass ran: do not go to sleep for a whole poll interval.
      if (!running) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, options.pollIntervalMs ?? 1_000).unref();
      });
      wake = null;
    }
  }

  return {
    id: workerId,
    runOnce,
    async start(): Promise<void> {
      if (running) return;
      running = true;
      unsubscribe = await subscribeEvents((event) => {
        if (event.type === "jobs") nudge();
      }).catch(() => null);
      loop = runLoop();
    },
    /** Stops claiming, then waits for the jobs and the sweep under way. */
    async stop(): Promise<void> {
      running = false;
      wake?.();
      unsubscribe?.();
      await loop;
      await Promise.all([...lanes.flatMap((lane) => [...lane.inFlight]), ...periodic.map((slot) => slot.running)]);
    },
  };
}

export type Worker = ReturnType<typeof createWorker>;
