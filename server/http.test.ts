import { describe, expect, it } from "vitest";
import { ServiceError } from "./errors";
import { errorResponse, handleRoute, uncompressedWhenSmall } from "./http";

const noTransform = (response: Response) => /(^|,\s*)no-transform(\s*,|$)/.test(response.headers.get("cache-control") ?? "");

describe("uncompressedWhenSmall", () => {
  it("marks a small JSON answer no-transform and keeps its status, headers and body", async () => {
    const body = { status: "succeeded", result: { name: "Zoë Müller" } };
    const response = await uncompressedWhenSmall(Response.json(body, { status: 202, headers: { "x-toolgate-call": "call_1" } }));
    expect(response.status).toBe(202);
    expect(response.headers.get("x-toolgate-call")).toBe("call_1");
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("cache-control")).toBe("no-transform");
    expect(await response.json()).toEqual(body);
  });

  it("adds to a Cache-Control the answer already has, once", async () => {
    const stored = await uncompressedWhenSmall(Response.json({}, { headers: { "cache-control": "no-store" } }));
    expect(stored.headers.get("cache-control")).toBe("no-store, no-transform");
    expect((await uncompressedWhenSmall(stored)).headers.get("cache-control")).toBe("no-store, no-transform");
  });

  it("leaves a large JSON answer to be compressed (1 KiB and more, counted in bytes)", async () => {
    // 511 two-byte characters and the quotes: 1,024 bytes, though only 513 characters.
    const large = await uncompressedWhenSmall(Response.json("é".repeat(511)));
    expect(noTransform(large)).toBe(false);
    expect(await large.json()).toBe("é".repeat(511));
    const justBelow = await uncompressedWhenSmall(Response.json("é".repeat(510) + "e"));
    expect(noTransform(justBelow)).toBe(true);
  });

  it("leaves a stream, a non-JSON answer and an empty one as they are", async () => {
    const stream = new Response(new ReadableStream({ start: (controller) => controller.close() }), {
      headers: { "content-type": "text/event-stream" },
    });
    expect(await uncompressedWhenSmall(stream)).toBe(stream);
    const text = new Response("hello", { headers: { "content-type": "text/plain" } });
    expect(await uncompressedWhenSmall(text)).toBe(text);
    const empty = new Response(null, { status: 204 });
    expect(await uncompressedWhenSmall(empty)).toBe(empty);
  });

  it("is applied by handleRoute to answers and to errors mapped from a throw", async () => {
    const ok = await handleRoute(async () => Response.json({ ok: true }))(new Request("http://localhost/api/x"));
    expect(noTransform(ok)).toBe(true);
    const thrown = await handleRoute(async () => {
      throw new ServiceError("not_found", "No such call.");
    })(new Request("http://localhost/api/x"));
    expect(thrown.status).toBe(404);
    expect(noTransform(thrown)).toBe(true);
    // Without handleRoute, nothing marks it (so Next.js would gzip it).
    expect(noTransform(errorResponse("unauthorized", "Send your API key."))).toBe(false);
  });
});
