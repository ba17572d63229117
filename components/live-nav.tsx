"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "./trpc/client";
import { useApprovalEvents } from "./approval-events";
import { NavLinks } from "./nav";

/** The navigation, with the number of requests waiting on "Approvals", kept current by server-sent events. */
export function LiveNavLinks({ initialPending }: { initialPending: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const options = trpc.approvals.pendingCount.queryOptions();
  const { data } = useQuery({ ...options, initialData: initialPending, staleTime: Infinity });
  useApprovalEvents(() => void queryClient.invalidateQueries({ queryKey: options.queryKey }));
  return <NavLinks badges={{ "/approvals": data }} />;
}
