import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

/**
 * What each procedure takes and returns, read from the router itself: client components name
 * server shapes through these (`RouterOutputs["policies"]["tools"][number]`), so a field added or
 * renamed on the server is a compile error in the page, not a silent `undefined`.
 */
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
