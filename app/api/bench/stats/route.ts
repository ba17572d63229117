import { benchEnabled, benchStats } from "@/server/bench/forward";

export const dynamic = "force-dynamic";

/** Event-loop delay and memory of this process, for `npm run bench`. 404 unless TOOLGATE_BENCH=1. */
export async function GET(request: Request): Promise<Response> {
  if (!benchEnabled()) return new Response("Not found", { status: 404 });
  return Response.json(benchStats(new URL(request.url).searchParams.get("reset") === "1"));
}
