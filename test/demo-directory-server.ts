import { afterAll, beforeAll } from "vitest";
import type { Database } from "@/db";
import { forgetEnv } from "@/server/env";
import { handleDemoDirectoryRequest } from "@/server/integrations/demo-directory/mcp-server";
import { routeTable, serveFetch, type FetchHandler, type RunningServer } from "./http-server";

/**
 * Serves the app's demo directories over real HTTP and points TOOLGATE_INTERNAL_URL at them, as
 * `next start` would: connecting or calling a demo integration then goes through the MCP client.
 */
export function setupDemoDirectoryServer(getDb: () => Database, extra: FetchHandler | null = null): () => RunningServer {
  let server: RunningServer | undefined;
  beforeAll(async () => {
    const demo = routeTable([[/^\/api\/demo\/([^/]+)\/mcp$/, (request, match) => handleDemoDirectoryRequest(getDb(), match[1]!, request)]]);
    server = await serveFetch(async (request) => {
      const response = await demo(request);
      return response.status === 404 && extra ? extra(request) : response;
    });
    process.env.TOOLGATE_INTERNAL_URL = server.url;
    forgetEnv();
  });
  afterAll(async () => {
    await server?.close();
  });
  return () => server!;
}
