/** Where an approval request can be seen: the web inbox, a Slack DM, an e-mail, a note on the ticket. */
export const APPROVAL_CHANNELS = ["inbox", "slack", "email", "jira", "connectwise"] as const;
export type ApprovalChannel = (typeof APPROVAL_CHANNELS)[number];

export const APPROVAL_CHANNEL_LABELS: Record<ApprovalChannel, string> = {
  inbox: "Approvals inbox",
  slack: "Slack DM",
  email: "e-mail",
  jira: "Jira comment",
  connectwise: "ConnectWise note",
};

/** "Slack DM, e-mail and Approvals inbox": channels in words (pure: the explanation runs in the browser). */
export function channelsInWords(channels: readonly ApprovalChannel[]): string {
  const words = channels.map((channel) => APPROVAL_CHANNEL_LABELS[channel]);
  if (words.length <= 1) return words[0] ?? "nothing";
  return `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

/** True when a request reaches nobody but people who happen to open the inbox. */
export function reachesOnlyInbox(channels: readonly ApprovalChannel[]): boolean {
  return channels.every((channel) => channel === "inbox");
}

/** What the explanation needs to say who hears of a request (reach.ts builds it from what is set up). */
export type ExplainReach = {
  /** The technician request's channels when no ticket is named. */
  technician: ApprovalChannel[];
  /** Ticket systems connected for this integration's client: a named ticket of one gets a note. */
  tickets: Array<"jira" | "connectwise">;
  manager: { email: boolean; slack: boolean };
};
