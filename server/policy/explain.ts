import type { IntegrationStatus, ToolPolicy } from "@/db/schema";

export type ExplainInput = {
  toolName: string;
  policy: ToolPolicy;
  managerApproval: boolean;
  flagged: boolean;
  integrationStatus: IntegrationStatus;
  integrationSlug: string;
};

/**
 * "What happens if the agent calls this?" in plain sentences, for the current (even unsaved)
 * choice. Pure, so the detail page can explain a choice before it is saved.
 */
export function explainPolicy(input: ExplainInput): string[] {
  const call = `${input.integrationSlug} / ${input.toolName}`;
  if (input.integrationStatus === "paused")
    return [
      `The integration is paused: the agent does not see ${call}, and a call is refused (integration_paused) before anything reaches the upstream.`,
    ];
  if (input.integrationStatus === "disconnected")
    return [`The integration is disconnected: the agent does not see ${call}, and a call is refused.`];
  if (input.policy === "disabled") {
    return [
      `The agent does not see ${call} in its tool list.`,
      "If it calls it anyway, the call is refused at once (403 tool_disabled) and nothing reaches the upstream system.",
    ];
  }
  const lines: string[] = [];
  if (input.policy === "auto" && !input.flagged) {
    lines.push(
      `The agent sees ${call} and its call runs at once: Toolgate makes the upstream request in the same request and returns the result.`,
      "No one is asked; the call and its result are recorded in Activity.",
    );
    return lines;
  }
  if (input.flagged && input.policy === "auto") {
    lines.push(
      "Its definition changed upstream since it was reviewed, so until someone confirms the new definition it needs approval even though its policy says it runs automatically.",
    );
  }
  lines.push(
    `The agent sees ${call}; its call does not run yet. The agent gets 202 pending_approval and waits.`,
    "Technicians get the request by Slack DM (and as a note on the ticket, when one is named) and can approve or deny it from Slack, the Approvals inbox or a link.",
  );
  if (input.managerApproval) {
    lines.push(
      "The requester's manager, looked up in the client's Directory (never taken from the agent), also gets a request by e-mail (and Slack when they are in it). Both must approve; one denial denies the call.",
      "The agent must name the requester; if the requester has no manager in the Directory, the call is refused (422 requester_manager_unknown).",
    );
  }
  lines.push("Once approved, the call runs exactly once, with exactly the arguments the approvers saw. Unanswered requests expire.");
  return lines;
}
