/** What became of a call, as the Overview counts it (calls still waiting are shown apart). */
export const CALL_OUTCOMES = ["auto", "approved", "denied", "expired", "refused", "failed"] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export const OUTCOME_LABELS: Record<CallOutcome, string> = {
  auto: "Ran automatically",
  approved: "Approved",
  denied: "Denied",
  expired: "Expired",
  refused: "Refused",
  failed: "Failed",
};
