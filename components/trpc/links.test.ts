import { createTRPCClient } from "@trpc/client";
import { describe, expect, it } from "vitest";
import type { AppRouter } from "@/server/api/root";
import { trpcLinks } from "./links";

describe("the browser's tRPC links", () => {
  it("send an impact preview of a bulk draft as POST (its input would overflow a URL), other queries as GET", async () => {
    const sent: Array<{ method: string; url: string; bodyBytes: number }> = [];
    const recording: typeof fetch = async (input, init) => {
      sent.push({ method: init?.method ?? "GET", url: String(input), bodyBytes: String(init?.body ?? "").length });
      return Response.json(
        { error: { json: { message: "stub", code: -32603, data: { code: "INTERNAL_SERVER_ERROR", httpStatus: 500 } } } },
        { status: 500 },
      );
    };
    const client = createTRPCClient<AppRouter>({ links: trpcLinks("http://toolgate.test/api/trpc", recording) });
    const changes = Array.from({ length: 500 }, (_, index) => ({
      toolId: `tool_${String(index).padStart(20, "0")}`,
      policy: "approval_needed" as const,
      managerApproval: false,
    }));
    await client.policies.previewImpact.query({ integrationId: "int_1", changes, days: 7 }).catch(() => {});
    await client.policies.tools.query({ integrationId: "int_1" }).catch(() => {});
    expect(sent[0]).toMatchObject({ method: "POST", url: "http://toolgate.test/api/trpc/policies.previewImpact" });
    expect(sent[0]!.bodyBytes).toBeGreaterThan(16_384);
    expect(sent[1]!.method).toBe("GET");
    expect(sent[1]!.url).toContain("/api/trpc/policies.tools?batch=1");
  });
});
