import parsePrometheusTextFormat, { type ParsedFamily } from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agents, toolCalls } from "@/db/schema";
import { insertJob } from "@/server/jobs/enqueue";
import { createWorker } from "@/server/jobs/worker";
import { forgetEnv } from "@/server/env";
import { observeJobAttempt } from "@/server/metrics/registry";
import { setupTestDatabase, testDriver } from "@/test/database";
import { createWorkspace } from "@/test/fixtures";
import { GET as health } from "../health/route";
import { GET } from "./route";

const database = setupTestDatabase();
const TOKEN = "metrics-token-for-the-test-0123456789";

beforeAll(() => {
  process.env.TOOLGATE_METRICS_TOKEN = TOKEN;
  forgetEnv();
});
afterAll(() => {
  delete process.env.TOOLGATE_METRICS_TOKEN;
  forgetEnv();
});

async function scrape(): Promise<Map<string, ParsedFamily>> {
  const response = await GET(new Request("http://localhost/api/metrics", { headers: { authorization: `Bearer ${TOKEN}` } }));
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const families = parsePrometheusTextFormat(await response.text());
  return new Map(families.map((family) => [family.name, family]));
}

function sample(families: Map<string, ParsedFamily>, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = families
    .get(name)
    ?.metrics.find((metric) => Object.entries(labels).every(([key, value]) => metric.labels?.[key] === value));
  return found?.value === undefined ? undefined : Number(found.value);
}

describe("GET /api/metrics", () => {
  it("refuses a scraper without the token, or with a wrong one, in words", async () => {
    const none = await GET(new Request("http://localhost/api/metrics"));
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(/Authorization: Bearer/);
    const wrong = await GET(new Request("http://localhost/api/metrics", { headers: { authorization: `Bearer ${TOKEN}x` } }));
    expect(wrong.status).toBe(401);
  });

  it("is off (404) when no token is configured", async () => {
    delete process.env.TOOLGATE_METRICS_TOKEN;
    forgetEnv();
    try {
      const response = await GET(new Request("http://localhost/api/metrics", { headers: { authorization: `Bearer ${TOKEN}` } }));
      expect(response.status).toBe(404);
    } finally {
      process.env.TOOLGATE_METRICS_TOKEN = TOKEN;
      forgetEnv();
    }
  });

  it("serves Prometheus text with pending approvals, the outbox queue, job latency, delivery failures, requests, pool and event-loop delay", async () => {
    const { db } = database();
    const workspace = await createWorkspace(db);
    const [agent] = await db.insert(agents).values({ workspaceId: workspace.id, name: "Metrics agent" }).returning();
    const pendingCall = {
      workspaceId: workspace.id,
      agentId: agent!.id,
      agentKeyPrefix: "tg_test",
      integrationSlug: "demo",
      toolName: "reset_password",
      argumentsDigest: "x",
      status: "pending_approval" as const,
      decisionReason: "test",
    };
    await db
      .insert(toolCalls)
      .values([{ ...pendingCall, createdAt: new Date(Date.now() - 120_000) }, pendingCall, { ...pendingCall, status: "succeeded" }]);
    const before = await scrape();
    await insertJob(db, { kind: "metrics_test_later", payload: {}, runAt: new Date(Date.now() + 3_600_000) });
    await insertJob(db, { kind: "deliver_slack", payload: {} });
    await health(new Request("http://localhost/api/health"));

    const worker = createWorker(database(), {
      handlers: {
        deliver_slack: async () => {
          throw new Error("Slack is down");
        },
      },
      onAttempt: observeJobAttempt,
    });
    expect(await worker.runOnce()).toBe(1);

    const after = await scrape();
    expect(sample(after, "toolgate_pending_approvals")).toBe(2);
    expect(sample(after, "toolgate_oldest_pending_approval_age_seconds")).toBeGreaterThanOrEqual(119);
    expect(sample(after, "toolgate_outbox_jobs", { kind: "metrics_test_later", status: "pending" })).toBe(1);
    // The failed Slack delivery waits for its retry: still pending, one failure counted.
    expect(sample(after, "toolgate_outbox_jobs", { kind: "deliver_slack", status: "pending" })).toBe(1);
    const failuresBefore = sample(before, "toolgate_delivery_failures_total", { channel: "slack" }) ?? 0;
    expect(sample(after, "toolgate_delivery_failures_total", { channel: "slack" })).toBe(failuresBefore + 1);
    const attempts = (family: string) =>
      after.get(family)!.metrics.reduce((total, metric) => total + Number(metric.buckets?.["+Inf"] ?? 0), 0);
    expect(attempts("toolgate_job_duration_seconds")).toBeGreaterThanOrEqual(1);
    expect(after.get("toolgate_job_queue_wait_seconds")?.type).toBe("HISTOGRAM");
    const healthBefore = sample(before, "toolgate_http_requests_total", { route: "/api/health", status: "200" }) ?? 0;
    expect(sample(after, "toolgate_http_requests_total", { route: "/api/health", method: "GET", status: "200" })).toBe(healthBefore + 1);
    expect(after.get("toolgate_http_request_duration_seconds")?.type).toBe("HISTOGRAM");
    expect(sample(after, "nodejs_eventloop_lag_p99_seconds")).toBeGreaterThanOrEqual(0);
    expect(sample(after, "toolgate_db_pool_size")).toBe(testDriver() === "pglite" ? 1 : 10);
    if (testDriver() === "postgres") expect(sample(after, "toolgate_db_pool_connections", { state: "active" })).toBeGreaterThanOrEqual(1);
    for (const name of ["toolgate_gateway_added_latency_seconds", "toolgate_gateway_upstream_latency_seconds"]) {
      expect(after.get(name)?.type, name).toBe("HISTOGRAM");
    }
    console.log(
      `scraped ${after.size} metric families; pending approvals ${sample(after, "toolgate_pending_approvals")}, event-loop p99 ${sample(after, "nodejs_eventloop_lag_p99_seconds")} s`,
    );
  });
});
