import { AsyncLocalStorage } from "node:async_hooks";
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Link, type Span } from "@opentelemetry/api";

/** Toolgate's tracer: a no-op until tracing is started (OTEL_EXPORTER_OTLP_ENDPOINT, see start-tracing.ts). */
export const tracer = () => trace.getTracer("toolgate");

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The agent's W3C `traceparent` as a link, never as a parent: Toolgate starts its own trace, so an
 * agent can neither join nor steer it, and its header goes no further. Invalid values are ignored.
 */
export function linkFromTraceparent(header: string | null): Link | null {
  const match = header?.trim().toLowerCase().match(TRACEPARENT);
  if (!match || /^0+$/.test(match[1]!) || /^0+$/.test(match[2]!)) return null;
  return {
    context: { traceId: match[1]!, spanId: match[2]!, traceFlags: Number.parseInt(match[3]!, 16) & TraceFlags.SAMPLED, isRemote: true },
    attributes: { "toolgate.link": "agent traceparent" },
  };
}

/** What the route that received an agent's request tells the gateway: the protocol and the agent's traceparent. */
export type GatewayRequestInfo = { protocol: "rest" | "mcp"; traceparent: string | null };
const requestInfo = new AsyncLocalStorage<GatewayRequestInfo>();

export function withGatewayRequest<T>(request: Request, protocol: GatewayRequestInfo["protocol"], run: () => Promise<T>): Promise<T> {
  return requestInfo.run({ protocol, traceparent: request.headers.get("traceparent") }, run);
}

export function currentGatewayRequest(): GatewayRequestInfo {
  return requestInfo.getStore() ?? { protocol: "rest", traceparent: null };
}

function endWith(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : new Error(String(error)));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** A gateway call's root span: a new trace (never the agent's), linked to the agent's traceparent. */
export function traceGatewayCall<T>(run: (span: Span) => Promise<T>): Promise<T> {
  const info = currentGatewayRequest();
  const link = linkFromTraceparent(info.traceparent);
  return tracer().startActiveSpan(
    "gateway.call",
    { kind: SpanKind.SERVER, root: true, links: link ? [link] : [], attributes: { "toolgate.protocol": info.protocol } },
    ROOT_CONTEXT,
    async (span) => {
      try {
        return await run(span);
      } catch (error) {
        endWith(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** A child span of the active one around one step (key, decide, upstream, record). */
export async function traced<T>(name: string, run: (span: Span) => T | Promise<T>, attributes: Record<string, string> = {}): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await run(span);
    } catch (error) {
      endWith(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Adds Toolgate's own trace context (traceparent) to an outgoing upstream request's headers. */
export function injectTraceContext(headers: Headers): void {
  propagation.inject(context.active(), headers, { set: (carrier, key, value) => carrier.set(key, value) });
}
