import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getDb } from "@/server/database";
import { appRouter } from "@/server/api/root";
import { getCurrentUser } from "@/server/auth/current-user";
import { logRequest } from "@/server/http";

async function handler(request: Request): Promise<Response> {
  const started = performance.now();
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    // A query may come as POST when its input is too large for a URL (components/trpc/links.ts).
    allowMethodOverride: true,
    createContext: async () => ({ db: await getDb(), user: await getCurrentUser() }),
  });
  logRequest(request, response.status, performance.now() - started);
  return response;
}

export { handler as GET, handler as POST };
