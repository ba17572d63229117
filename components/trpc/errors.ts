import { TRPCClientError } from "@trpc/client";
import type { AppRouter } from "@/server/api/root";
import type { ErrorCode } from "@/server/errors";

/**
 * The domain error code (`ServiceError.code`) a failed tRPC call carried, as the error formatter in
 * `server/api/trpc.ts` puts it in `data.serviceCode`; null for anything else (network, validation).
 */
export function serviceCodeOf(error: unknown): ErrorCode | null {
  if (!(error instanceof TRPCClientError)) return null;
  return (error as TRPCClientError<AppRouter>).data?.serviceCode ?? null;
}

/** The readable message of whatever a call threw. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
