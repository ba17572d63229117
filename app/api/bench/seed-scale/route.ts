import { getDb } from "@/server/database";
import { benchEnabled } from "@/server/bench/forward";
import { seedScaleWorld } from "@/server/bench/seed-scale";

export const dynamic = "force-dynamic";

/** Adds the bench's scale case (2,000 tools, 50 workspaces) beside `?integration=`. 404 unless TOOLGATE_BENCH=1. */
export async function POST(request: Request): Promise<Response> {
  if (!benchEnabled()) return new Response("Not found", { status: 404 });
  const slug = new URL(request.url).searchParams.get("integration") ?? "bench";
  return Response.json(await seedScaleWorld(await getDb(), slug));
}
