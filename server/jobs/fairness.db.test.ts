import { and, eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openPostgres } from "@/db/open-postgres";
import { approvalRequests, jobs, toolCalls } from "@/db/schema";
import { approvalWorld } from "@/test/approval-world";
import { setupTestDatabase, testDriver, type TestDatabase } from "@/test/database";
import { createWorkspace } from "@/test/fixtures";
import { tool } from "@/test/mcp-upstream";
import { setupMcpUpstream } from "@/test/world";
import { decideApproval } from "../approvals/decide";
import { sweepCalls } from "../approvals/execute-approved";
import { insertJobs } from "./enqueue";
import { createWorker, type JobRow } from "./worker";

const database = setupTestDatabase();

/**
 * Handlers for a long-running kind that hang until the test releases them, recording which
 * workspace's job started on which worker, and how many of a workspace's jobs ran at once.
 */
function hangingJobs() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const started: Array<{ workspaceId: string; worker: string; jobId: string }> = [];
  const running = new Map<string, number>();
  const mostAtOnce = new Map<string, number>();
  const handler = async (job: JobRow) => {
    const key = `${job.workspaceId}@${job.lockedBy}`;
    started.push({ workspaceId: job.workspaceId!, worker: job.lockedBy!, jobId: job.id });
    running.set(key, (running.get(key) ?? 0) + 1);
    mostAtOnce.set(key, Math.max(mostAtOnce.get(key) ?? 0, running.get(key)!));
    await released;
    running.set(key, running.get(key)! - 1);
  };
  const startedBy = (workspaceId: string) => started.filter((entry) => entry.workspaceId === workspaceId).length;
  return { handler, release, started, startedBy, mostAtOnce };
}

let kinds = 0;
/** A job kind of the test's own, so jobs a previous test left pending are not claimed by this one. */
const newKind = () => `slow_tool_${++kinds}`;
const slowTool = (kind: string, workspaceId: string, count: number) =>
  Array.from({ length: count }, (_, n) => ({ kind, workspaceId, payload: { n } }));

describe("fair claiming across workspaces", () => {
  it("one workspace's hanging long-running jobs leave slots for another workspace's job", async () => {
    const { db } = database();
    const [noisy, quiet] = [await createWorkspace(db), await createWorkspace(db)];
    const jobsOf = hangingJobs();
    const kind = newKind();
    const worker = createWorker(database(), {
      handlers: { [kind]: jobsOf.handler },
      batchSize: 4,
      longRunningKinds: [kind],
      pollIntervalMs: 60_000,
    });
    await insertJobs(db, slowTool(kind, noisy.id, 20));
    await worker.start();
    try {
      await expect.poll(() => jobsOf.startedBy(noisy.id), { timeout: 10_000 }).toBeGreaterThan(0);
      await insertJobs(db, slowTool(kind, quiet.id, 1));
      // Every noisy job still hangs: the quiet workspace's job must not wait for one of them.
      await expect.poll(() => jobsOf.startedBy(quiet.id), { timeout: 10_000 }).toBe(1);
      expect(jobsOf.startedBy(noisy.id)).toBeLessThan(4);
    } finally {
      jobsOf.release();
      await worker.stop();
    }
  });

  it("claims round-robin: free slots go to one job of each waiting workspace before a second of any", async () => {
    const { db } = database();
    const [first, second, third] = [await createWorkspace(db), await createWorkspace(db), await createWorkspace(db)];
    const jobsOf = hangingJobs();
    const kind = newKind();
    // The per-workspace limit is as large as the lane: only the order of claiming is under test.
    const worker = createWorker(database(), {
      handlers: { [kind]: jobsOf.handler },
      batchSize: 3,
      longRunningKinds: [kind],
      longRunningPerWorkspace: 3,
      pollIntervalMs: 60_000,
    });
    await insertJobs(db, slowTool(kind, first.id, 10));
    await insertJobs(db, slowTool(kind, second.id, 10));
    await insertJobs(db, slowTool(kind, third.id, 1));
    await worker.start();
    try {
      await expect.poll(() => jobsOf.started.length, { timeout: 10_000 }).toBe(3);
      expect(new Set(jobsOf.started.map((entry) => entry.workspaceId))).toEqual(new Set([first.id, second.id, third.id]));
    } finally {
      jobsOf.release();
      await worker.stop();
    }
  });

  it("over two instances: each keeps the per-workspace limit, another workspace's job starts, and every job runs exactly once", async () => {
    const primary = database();
    // A second instance: its own connection pool on PostgreSQL. PGlite is one connection in one
    // process, so there the second worker shares it (the claims still race through the same SQL).
    const secondary: TestDatabase =
      testDriver() === "postgres" ? Object.assign(openPostgres(primary.url!, { max: 4 }), { drop: async () => {} }) : primary;
    const db = primary.db;
    const [noisy, quiet] = [await createWorkspace(db), await createWorkspace(db)];
    const jobsOf = hangingJobs();
    const kind = newKind();
    const options = {
      handlers: { [kind]: jobsOf.handler },
      batchSize: 4,
      longRunningKinds: [kind],
      longRunningPerWorkspace: 2,
      pollIntervalMs: 200,
    };
    const workers = [createWorker(primary, options), createWorker(secondary, options)];
    const noisyIds = await insertJobs(db, slowTool(kind, noisy.id, 20));
    await Promise.all(workers.map((worker) => worker.start()));
    try {
      await expect.poll(() => jobsOf.startedBy(noisy.id), { timeout: 10_000 }).toBe(4);
      const quietIds = await insertJobs(db, slowTool(kind, quiet.id, 1));
      await expect.poll(() => jobsOf.startedBy(quiet.id), { timeout: 10_000 }).toBe(1);
      expect(jobsOf.startedBy(noisy.id)).toBe(4);
      expect(new Set(jobsOf.started.map((entry) => entry.worker))).toEqual(new Set(workers.map((worker) => worker.id)));
      jobsOf.release();
      await expect
        .poll(
          async () =>
            (
              await db
                .select({ id: jobs.id })
                .from(jobs)
                .where(and(inArray(jobs.id, [...noisyIds, ...quietIds]), eq(jobs.status, "done")))
            ).length,
          { timeout: 20_000 },
        )
        .toBe(21);
      const attempts = await db.select({ attempts: jobs.attempts }).from(jobs).where(inArray(jobs.id, noisyIds));
      expect(attempts.every((row) => row.attempts === 1)).toBe(true);
      expect(new Set(jobsOf.started.map((entry) => entry.jobId)).size).toBe(jobsOf.started.length);
      expect(jobsOf.started).toHaveLength(21);
      for (const worker of workers) expect(jobsOf.mostAtOnce.get(`${noisy.id}@${worker.id}`)).toBe(2);
    } finally {
      jobsOf.release();
      await Promise.all(workers.map((worker) => worker.stop()));
      if (secondary !== primary) await secondary.close();
    }
  });
});

describe("the sweep and queued executions", () => {
  const upstream = setupMcpUpstream([tool("reset_password"), tool("delete_user")]);

  it("leaves an approved call whose execution job is still queued to that job, and runs only calls whose job was lost", async () => {
    const world = await approvalWorld(database(), upstream);
    const approve = async () => {
      const { body } = await world.call("delete_user");
      const [request] = await world.db.select().from(approvalRequests).where(eq(approvalRequests.callId, body.callId));
      await decideApproval(world.db, {
        workspaceId: world.workspace.id,
        approvalRequestId: request!.id,
        decision: "approve",
        actor: { kind: "user", userId: world.technician.id, via: "web" },
      });
      // Approved a while ago: past the sweep's "lost job" threshold.
      await world.db
        .update(toolCalls)
        .set({ decidedAt: sql`now() - interval '1 minute'` })
        .where(eq(toolCalls.id, body.callId));
      return body.callId;
    };
    const queued = await approve();
    const lost = await approve();
    await world.db.delete(jobs).where(and(eq(jobs.kind, "execute_call"), sql`${jobs.payload}->>'callId' = ${lost}`));
    const before = upstream.callCount("delete_user");
    const swept = await sweepCalls(world.db);
    expect(swept.executed).toBe(1);
    expect(upstream.callCount("delete_user")).toBe(before + 1);
    const statuses = await world.db
      .select({ id: toolCalls.id, status: toolCalls.status })
      .from(toolCalls)
      .where(inArray(toolCalls.id, [queued, lost]));
    expect(Object.fromEntries(statuses.map((row) => [row.id, row.status]))).toEqual({ [queued]: "approved", [lost]: "succeeded" });
  });
});
