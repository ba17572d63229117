import { describe, expect, it } from "vitest";
import { startTracing, stopTracing } from "./start-tracing";

describe("starting traces", () => {
  it("is off without OTEL_EXPORTER_OTLP_ENDPOINT and on (once) with it", async () => {
    expect(startTracing({})).toBe(false);
    const env: Record<string, string | undefined> = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9" };
    try {
      expect(startTracing(env)).toBe(true);
      expect(env.OTEL_SERVICE_NAME).toBe("toolgate");
      expect(startTracing(env)).toBe(true);
    } finally {
      await stopTracing();
    }
  });
});
