"use client";

import { useRouter } from "next/navigation";
import { useRef } from "react";
import { useApprovalEvents } from "@/components/approval-events";

/** Re-reads the inbox when a call of the workspace changes (a burst of events refreshes once). */
export function LiveRefresh() {
  const router = useRouter();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useApprovalEvents(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => router.refresh(), 250);
  });
  return null;
}
