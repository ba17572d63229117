import type { CallStatus } from "@/db/schema";
import { Badge } from "./ui/layout";

const TONES: Record<CallStatus, "green" | "amber" | "red" | "blue" | "neutral" | "violet"> = {
  succeeded: "green",
  pending_approval: "violet",
  approved: "blue",
  executing: "blue",
  failed: "red",
  rejected: "red",
  denied: "red",
  expired: "neutral",
  cancelled: "neutral",
};

export const CALL_STATUS_LABELS: Record<CallStatus, string> = {
  succeeded: "Succeeded",
  pending_approval: "Waiting for approval",
  approved: "Approved",
  executing: "Running",
  failed: "Failed",
  rejected: "Refused",
  denied: "Denied",
  expired: "Expired",
  cancelled: "Withdrawn",
};

export function CallStatusBadge({ status }: { status: CallStatus }) {
  return <Badge tone={TONES[status]}>{CALL_STATUS_LABELS[status]}</Badge>;
}
