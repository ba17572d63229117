/**
 * Runs once when the server starts: starts tracing when configured, validates the environment, opens
 * and migrates the database, and starts the outbox worker. A bad environment stops the process with one clear sentence.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Traces are off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; the SDK is loaded only then.
  if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    const { startTracing } = await import("./server/telemetry/start-tracing");
    startTracing();
  }
  // Route handlers learn the TCP peer's address only from this (X-Forwarded-For is believed from trusted proxies).
  const { stampPeerAddresses } = await import("./server/net/client-address");
  await stampPeerAddresses();
  const { boot } = await import("./server/boot");
  await boot();
}
