import type { CallStatus } from "@/db/schema";
import { callStateLabel } from "@/server/calls/labels";
import { Badge } from "./ui/layout";

export { CALL_STATUS_LABELS } from "@/server/calls/labels";

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

/** A call's state (server/calls/labels.ts); a cancelled call says why when its reason code is given. */
export function CallStatusBadge({ status, errorCode }: { status: CallStatus; errorCode?: string | null }) {
  return <Badge tone={TONES[status]}>{callStateLabel({ status, errorCode })}</Badge>;
}
