import { NodeSDK } from "@opentelemetry/sdk-node";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";

const slot = globalThis as unknown as { __toolgateTracing?: NodeSDK };

/**
 * Starts OpenTelemetry tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set (off otherwise): the Node
 * SDK with an OTLP/HTTP exporter, configured by the standard OTEL_* variables (service name
 * "toolgate" unless OTEL_SERVICE_NAME says otherwise). No automatic instrumentation: the spans are
 * the gateway's own (a call, its key, decision, upstream and record).
 */
export function startTracing(env: Record<string, string | undefined> = process.env): boolean {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT || slot.__toolgateTracing) return Boolean(slot.__toolgateTracing);
  env.OTEL_SERVICE_NAME ??= "toolgate";
  const sdk = new NodeSDK({ traceExporter: new OTLPTraceExporter(), instrumentations: [] });
  sdk.start();
  slot.__toolgateTracing = sdk;
  return true;
}

export async function stopTracing(): Promise<void> {
  await slot.__toolgateTracing?.shutdown().catch(() => {});
  slot.__toolgateTracing = undefined;
}
