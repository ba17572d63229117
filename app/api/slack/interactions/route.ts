import { getDb } from "@/server/database";
import { handleRoute } from "@/server/http";
import { handleSlackInteraction } from "@/server/slack/interactions";

export const dynamic = "force-dynamic";

/** Slack's interactivity request URL (Approve / Deny buttons). */
export const POST = handleRoute(async (request: Request) => {
  const response = await handleSlackInteraction(await getDb(), request);
  return typeof response.body === "string"
    ? new Response(response.body, { status: response.status })
    : Response.json(response.body, { status: response.status });
});
