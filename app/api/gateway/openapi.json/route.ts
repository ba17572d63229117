import { getEnv } from "@/server/env";
import { gatewayOpenApi } from "@/server/gateway/openapi";
import { handleRoute } from "@/server/http";

export const GET = handleRoute(async () =>
  Response.json(gatewayOpenApi(getEnv().publicUrl), { headers: { "cache-control": "public, max-age=300" } }),
);
