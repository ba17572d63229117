import type { ApprovalStatus, CallStatus } from "@/db/schema";
import type { RejectCode } from "../policy/decide";

/**
 * The one vocabulary for call states: the inbox, Activity, the call page and the CSV label a state
 * with these words, and each is the API's `status` code in plain words (`rejected` is "Rejected"
 * everywhere), so what a person reads and what an agent or a spreadsheet reads never disagree.
 * Pure: client components import it too.
 */
export const CALL_STATUS_LABELS: Record<CallStatus, string> = {
  succeeded: "Succeeded",
  pending_approval: "Pending approval",
  approved: "Approved",
  executing: "Executing",
  failed: "Failed",
  rejected: "Rejected",
  denied: "Denied",
  expired: "Expired",
  cancelled: "Cancelled",
};

/** Every call state, in the order filters offer them (every state has a label: the compiler checks). */
export const CALL_STATES = Object.keys(CALL_STATUS_LABELS) as CallStatus[];

export const APPROVAL_STATUS_LABELS: Record<ApprovalStatus, string> = {
  pending: "Pending",
  approved: "Approved",
  denied: "Denied",
  expired: "Expired",
  cancelled: "Cancelled",
};

/**
 * Why a call was cancelled before it ran, from its reason code: the agent withdrew it (`cancelled`)
 * or the decision before execution stopped it (a code of the one decision).
 */
export const CANCEL_REASON_LABELS: Record<RejectCode | "cancelled", string> = {
  cancelled: "withdrawn by the agent",
  workspace_paused: "all agents paused",
  agent_paused: "agent paused",
  key_retired: "agent's key retired",
  key_revoked: "agent's key revoked",
  out_of_scope: "client outside the agent's scope",
  unknown_integration: "integration disconnected",
  integration_paused: "integration paused",
  unknown_tool: "tool no longer exists",
  tool_removed: "tool removed upstream",
  tool_disabled: "tool disabled",
  definition_changed: "tool changed upstream",
  approvals_changed: "the approvals it needs changed",
  rate_limited: "over the agent's limit",
  plan_mode: "plan mode",
};

export function cancelReasonLabel(code: string | null): string | null {
  return code && code in CANCEL_REASON_LABELS ? CANCEL_REASON_LABELS[code as keyof typeof CANCEL_REASON_LABELS] : null;
}

/** A call's state in words, with the reason a cancelled call was stopped: "Cancelled — tool disabled". */
export function callStateLabel(call: { status: CallStatus; errorCode?: string | null }): string {
  const reason = call.status === "cancelled" ? cancelReasonLabel(call.errorCode ?? null) : null;
  return reason ? `${CALL_STATUS_LABELS.cancelled} — ${reason}` : CALL_STATUS_LABELS[call.status];
}
