import { AsyncLocalStorage } from "node:async_hooks";
import type { Decision } from "../policy/decide";
import type { GatewayOutcome } from "../gateway/outcome";
import { metrics } from "../metrics/registry";
import { currentGatewayRequest, traced, traceGatewayCall } from "./tracing";

const upstreamTime = new AsyncLocalStorage<{ ms: number }>();

export type GatewayDecisionOutcome = "executed" | "awaiting_approval" | "rejected" | "unauthorized" | "replayed";

/** What a gateway outcome stands for: ran upstream (succeeded or failed), waits for approval, refused, or replayed. */
export function decisionOutcome(outcome: GatewayOutcome): GatewayDecisionOutcome {
  switch (outcome.kind) {
    case "succeeded":
    case "failed":
      return "executed";
    case "pending_approval":
      return "awaiting_approval";
    case "rejected":
      return outcome.code === "unauthorized" ? "unauthorized" : "rejected";
    case "replayed":
      return "replayed";
  }
}

/** The one decision, as a span with its verdict. */
export function tracedDecision(run: () => Decision): Promise<Decision> {
  return traced("gateway.decide", (span) => {
    const decision = run();
    span.setAttribute("toolgate.decision", decision.kind);
    return decision;
  });
}

/**
 * Observes one gateway call: its root span (children: key, decide, upstream, record), the decision
 * counter, and the latency Toolgate added (the whole call less the upstream's time).
 */
export function observeToolCall(run: () => Promise<GatewayOutcome>): Promise<GatewayOutcome> {
  const { protocol } = currentGatewayRequest();
  const started = performance.now();
  const upstream = { ms: 0 };
  return traceGatewayCall((span) =>
    upstreamTime.run(upstream, async () => {
      const response = await run();
      const outcome = decisionOutcome(response);
      span.setAttributes({ "toolgate.outcome": outcome, "toolgate.call.kind": response.kind });
      const m = metrics();
      m.gatewayDecisions.inc({ outcome, protocol });
      m.gatewayAddedLatency.observe({ protocol }, Math.max(0, performance.now() - started - upstream.ms) / 1000);
      return response;
    }),
  );
}

/** Observes the upstream call: its span (the trace context it sends upstream) and its latency. */
export function observeUpstream<T extends { ok: boolean }>(run: () => Promise<T>): Promise<T> {
  return traced("gateway.upstream", async (span) => {
    const started = performance.now();
    const outcome = await run();
    const ms = performance.now() - started;
    const timing = upstreamTime.getStore();
    if (timing) timing.ms += ms;
    metrics().gatewayUpstreamLatency.observe({ outcome: outcome.ok ? "ok" : "failed" }, ms / 1000);
    span.setAttribute("toolgate.upstream.outcome", outcome.ok ? "ok" : "failed");
    return outcome;
  });
}
