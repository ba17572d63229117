import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { jobAttempts, jobs } from "@/db/schema";
import { setupTestDatabase } from "@/test/database";
import { insertJob } from "./enqueue";
import { PermanentJobError } from "./errors";
import { createWorker, type JobRow } from "./worker";

const database = setupTestDatabase();

/** A promise a handler waits on until the test lets it finish. */
function heldOpen(): { released: Promise<void>; release: () => void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  return { released, release };
}

describe("outbox worker", () => {
  it("never runs a job written in a rolled-back transaction", async () => {
    const { db } = database();
    const ran: string[] = [];
    await db
      .transaction(async (tx) => {
        await insertJob(tx, { kind: "probe", payload: { marker: "rolled-back" } });
        throw new Error("roll back");
      })
      .catch(() => {});
    const committed = await insertJob(db, { kind: "probe", payload: { marker: "committed" } });
    const worker = createWorker(database(), { handlers: { probe: async (job) => void ran.push(String(job.payload.marker)) } });
    while ((await worker.runOnce()) > 0);
    expect(ran).toEqual(["committed"]);
    const [row] = await db.select().from(jobs).where(eq(jobs.id, committed));
    expect(row?.status).toBe("done");
    expect(await db.select().from(jobs).where(eq(jobs.kind, "probe"))).toHaveLength(1);
  });

  it("retries a failing job with backoff, records each attempt, then marks it dead with its error", async () => {
    const { db } = database();
    let calls = 0;
    const id = await insertJob(db, { kind: "flaky", payload: {}, maxAttempts: 3 });
    const delays: number[] = [];
    const worker = createWorker(database(), {
      handlers: {
        flaky: async () => {
          calls++;
          throw new Error(`upstream said no (${calls})`);
        },
      },
      backoffMs: (attempts) => {
        delays.push(attempts);
        return 0;
      },
    });
    for (let pass = 0; pass < 5; pass++) await worker.runOnce();
    expect(calls).toBe(3);
    expect(delays).toEqual([1, 2]);
    const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
    expect(row).toMatchObject({ status: "dead", attempts: 3, lastError: "upstream said no (3)" });
    const attempts = await db.select().from(jobAttempts).where(eq(jobAttempts.jobId, id)).orderBy(jobAttempts.attempt);
    expect(attempts.map((attempt) => [attempt.attempt, attempt.error])).toEqual([
      [1, "upstream said no (1)"],
      [2, "upstream said no (2)"],
      [3, "upstream said no (3)"],
    ]);
  });

  it("schedules the retry in the future by default and marks a permanent failure dead at once", async () => {
    const { db } = database();
    const retried = await insertJob(db, { kind: "later", payload: {} });
    const permanent = await insertJob(db, { kind: "never", payload: {} });
    const worker = createWorker(database(), {
      handlers: {
        later: async () => {
          throw new Error("try later");
        },
        never: async () => {
          throw new PermanentJobError("recipient does not exist");
        },
      },
    });
    await worker.runOnce();
    const [later] = await db.select().from(jobs).where(eq(jobs.id, retried));
    expect(later?.status).toBe("pending");
    expect(later!.runAt.getTime()).toBeGreaterThan(Date.now() + 1_000);
    const [dead] = await db.select().from(jobs).where(eq(jobs.id, permanent));
    expect(dead).toMatchObject({ status: "dead", attempts: 1, lastError: "recipient does not exist" });
  });

  it("wakes on the NOTIFY of a committed job instead of waiting for its poll", async () => {
    const { db } = database();
    const seen: JobRow[] = [];
    const worker = createWorker(database(), { handlers: { wake: async (job) => void seen.push(job) }, pollIntervalMs: 60_000 });
    await worker.start();
    try {
      await worker.runOnce();
      await insertJob(db, { kind: "wake", payload: {} });
      await expect.poll(() => seen.length, { timeout: 5_000 }).toBe(1);
    } finally {
      await worker.stop();
    }
  });

  it("a slow job holds one slot, not the worker: jobs enqueued while it runs are done meanwhile", async () => {
    const { db } = database();
    const { released, release } = heldOpen();
    const events: string[] = [];
    const worker = createWorker(database(), {
      handlers: {
        slow: async () => {
          events.push("slow started");
          await released;
          events.push("slow finished");
        },
        quick: async (job) => void events.push(`quick ${String(job.payload.n)}`),
      },
      pollIntervalMs: 60_000,
    });
    await worker.start();
    try {
      await insertJob(db, { kind: "slow", payload: {} });
      await expect.poll(() => events.includes("slow started"), { timeout: 5_000 }).toBe(true);
      for (let n = 1; n <= 3; n++) await insertJob(db, { kind: "quick", payload: { n } });
      // Batch by batch, these would wait for the slow job, which is released only afterwards.
      await expect.poll(() => events.filter((event) => event.startsWith("quick")).length, { timeout: 5_000 }).toBe(3);
      expect(events).not.toContain("slow finished");
    } finally {
      release();
      await worker.stop();
    }
    expect(events).toContain("slow finished");
    const rows = await db
      .select()
      .from(jobs)
      .where(inArray(jobs.kind, ["slow", "quick"]));
    expect(rows.map((row) => row.status)).toEqual(["done", "done", "done", "done"]);
  });

  it("long-running kinds have a lane of their own: with all its slots held, other jobs still run", async () => {
    const { db } = database();
    const { released, release } = heldOpen();
    const events: string[] = [];
    const worker = createWorker(database(), {
      handlers: {
        hanging: async () => {
          events.push("hanging started");
          await released;
        },
        delivery: async () => void events.push("delivered"),
      },
      batchSize: 2,
      longRunningKinds: ["hanging"],
      // These jobs share one (absent) workspace: the lane, not the per-workspace limit, is under test.
      longRunningPerWorkspace: 2,
      pollIntervalMs: 60_000,
    });
    await worker.start();
    try {
      for (let n = 0; n < 3; n++) await insertJob(db, { kind: "hanging", payload: { n } });
      await expect.poll(() => events.filter((event) => event === "hanging started").length, { timeout: 5_000 }).toBe(2);
      for (let n = 0; n < 3; n++) await insertJob(db, { kind: "delivery", payload: { n } });
      await expect.poll(() => events.filter((event) => event === "delivered").length, { timeout: 5_000 }).toBe(3);
      // The lane's third job waits for a free slot in its own lane.
      expect(events.filter((event) => event === "hanging started")).toHaveLength(2);
      release();
      await expect.poll(() => events.filter((event) => event === "hanging started").length, { timeout: 5_000 }).toBe(3);
    } finally {
      release();
      await worker.stop();
    }
  });
});
