import type { RequesterSource } from "@/db/schema";

/**
 * How sure approvers can be of who asked, in the words every screen and message uses: a ticket's
 * reporter is verified; a requester named by the agent's code is its claim; one filled in by the
 * model is the weakest, since text in the ticket can steer it.
 */
export const REQUESTER_SOURCE_LABELS: Record<RequesterSource, string> = {
  verified_by_ticket: "verified by the ticket",
  named_by_agent: "named by the agent",
  named_by_model: "named by the model — unverified",
};

export const requesterSourceLabel = (source: RequesterSource | null): string => REQUESTER_SOURCE_LABELS[source ?? "named_by_agent"];
