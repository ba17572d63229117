import { benchEnabled, forwardToUpstream } from "@/server/bench/forward";
import { uncompressedWhenSmall } from "@/server/http";

export const dynamic = "force-dynamic";

/**
 * B1 of `npm run bench`: forwards to the upstream with no auth, policy or database; B1R (`?read=1`)
 * after one database round trip. 404 unless TOOLGATE_BENCH=1. A small answer goes uncompressed like
 * the gateway's (see uncompressedWhenSmall), so the floor is measured the same way.
 */
export async function POST(request: Request): Promise<Response> {
  if (!benchEnabled()) return new Response("Not found", { status: 404 });
  const outcome = await forwardToUpstream((await request.json()) as { tool?: string; arguments?: Record<string, unknown> }, {
    readFirst: new URL(request.url).searchParams.get("read") === "1",
  });
  return uncompressedWhenSmall(
    outcome.ok
      ? Response.json({ status: "succeeded", result: outcome.result })
      : Response.json({ status: "failed", error: outcome.message }, { status: 502 }),
  );
}
