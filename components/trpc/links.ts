import { httpBatchLink, httpLink, splitLink, type TRPCLink } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "@/server/api/root";

/**
 * Queries whose input can outgrow a URL (an impact preview of a bulk draft over hundreds of tools)
 * are sent as POST; the route handler allows that override for queries (never a mutation by GET).
 */
const LARGE_INPUT_QUERIES = new Set(["policies.previewImpact"]);

/** The browser's tRPC links: batched GETs for queries, POST for mutations and the large-input queries. */
export function trpcLinks(url: string, fetchImpl?: typeof fetch): TRPCLink<AppRouter>[] {
  return [
    splitLink({
      condition: (op) => LARGE_INPUT_QUERIES.has(op.path),
      true: httpLink({ url, transformer: superjson, methodOverride: "POST", ...(fetchImpl ? { fetch: fetchImpl } : {}) }),
      false: httpBatchLink({ url, transformer: superjson, ...(fetchImpl ? { fetch: fetchImpl } : {}) }),
    }),
  ];
}
