import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { JobAttemptReport } from "../jobs/worker";

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

function createMetrics() {
  const registry = new Registry();
  // Process metrics, among them the event-loop delay (nodejs_eventloop_lag_*_seconds).
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: "toolgate_http_requests_total",
      help: "API requests answered, by route, method and HTTP status.",
      labelNames: ["route", "method", "status"] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: "toolgate_http_request_duration_seconds",
      help: "Time to answer an API request, by route and method.",
      labelNames: ["route", "method"] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    gatewayDecisions: new Counter({
      name: "toolgate_gateway_decisions_total",
      help: "Tool calls decided by the gateway, by outcome (executed, awaiting_approval, rejected) and protocol.",
      labelNames: ["outcome", "protocol"] as const,
      registers,
    }),
    gatewayAddedLatency: new Histogram({
      name: "toolgate_gateway_added_latency_seconds",
      help: "Time Toolgate adds to a tool call (authentication, decision, recording), without the upstream call.",
      labelNames: ["protocol"] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    gatewayUpstreamLatency: new Histogram({
      name: "toolgate_gateway_upstream_latency_seconds",
      help: "Time the upstream tool took to answer, by outcome (ok, failed).",
      labelNames: ["outcome"] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    jobDuration: new Histogram({
      name: "toolgate_job_duration_seconds",
      help: "Time one attempt at an outbox job took, by kind and outcome (ok, failed).",
      labelNames: ["kind", "outcome"] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    jobQueueWait: new Histogram({
      name: "toolgate_job_queue_wait_seconds",
      help: "Time an outbox job waited between becoming due and starting, by kind.",
      labelNames: ["kind"] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    deliveryFailures: new Counter({
      name: "toolgate_delivery_failures_total",
      help: "Failed attempts to deliver an approval request or an agent webhook, by channel.",
      labelNames: ["channel"] as const,
      registers,
    }),
    /** Filled at scrape time from the database (see database-gauges.ts). */
    pendingApprovals: new Gauge({
      name: "toolgate_pending_approvals",
      help: "Calls waiting for approval now (all workspaces; the same on every instance).",
      registers,
    }),
    oldestPendingApprovalAge: new Gauge({
      name: "toolgate_oldest_pending_approval_age_seconds",
      help: "Age of the oldest call still waiting for approval (0 when none).",
      registers,
    }),
    outboxJobs: new Gauge({
      name: "toolgate_outbox_jobs",
      help: "Outbox jobs by kind and status (pending, running, dead); the queue depth is status=pending.",
      labelNames: ["kind", "status"] as const,
      registers,
    }),
    outboxOldestDueAge: new Gauge({
      name: "toolgate_outbox_oldest_due_job_age_seconds",
      help: "How long the oldest due, unclaimed outbox job has waited (0 when none).",
      registers,
    }),
    databasePoolSize: new Gauge({
      name: "toolgate_db_pool_size",
      help: "Database connections this instance may open (PGlite: 1).",
      registers,
    }),
    databaseConnections: new Gauge({
      name: "toolgate_db_pool_connections",
      help: "Database connections this instance holds, by state (active, idle).",
      labelNames: ["state"] as const,
      registers,
    }),
    scrapeErrors: new Counter({
      name: "toolgate_metrics_scrape_errors_total",
      help: "Scrapes whose database gauges could not be read (the database was unreachable).",
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

const slot = globalThis as unknown as { __toolgateMetrics?: Metrics };

/** The process's metrics, on globalThis: Next.js may load this module twice. */
export function metrics(): Metrics {
  return (slot.__toolgateMetrics ??= createMetrics());
}

/** Which delivery channel a job kind sends on, for toolgate_delivery_failures_total. */
const JOB_CHANNELS: Record<string, string> = {
  deliver_slack: "slack",
  deliver_email: "email",
  deliver_jira: "jira",
  deliver_connectwise: "connectwise",
  update_approval_messages: "slack",
  agent_call_webhook: "webhook",
  agent_config_webhook: "webhook",
};

/** The outbox worker's report of one attempt, as metrics. */
export function observeJobAttempt(attempt: JobAttemptReport): void {
  const m = metrics();
  m.jobDuration.observe({ kind: attempt.kind, outcome: attempt.failed ? "failed" : "ok" }, attempt.durationMs / 1000);
  m.jobQueueWait.observe({ kind: attempt.kind }, attempt.queueWaitMs / 1000);
  const channel = JOB_CHANNELS[attempt.kind];
  if (attempt.failed && channel) m.deliveryFailures.inc({ channel });
}

/** A low-cardinality route label: ids and tokens in the path become ":id". */
export function routeLabel(path: string): string {
  return (
    path
      .split("/")
      .map((segment) => (segment.length >= 16 && /\d/.test(segment) ? ":id" : segment))
      .join("/") || "/"
  );
}
