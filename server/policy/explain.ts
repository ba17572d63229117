import type { IntegrationStatus, ToolPolicy } from "@/db/schema";
import { channelsInWords, reachesOnlyInbox, type ExplainReach } from "../approvals/channel-words";
import { assertNever } from "../errors";
import { decide, type Decision, type DecisionInput } from "./decide";
import type { GrantCandidate } from "./grant-match";
import { OUTCOME_WORDS, type PolicyRule } from "./rules";

export type ExplainInput = {
  toolName: string;
  policy: ToolPolicy;
  managerApproval: boolean;
  /** The two-person rule (distinct technicians who must approve); 1 when not given. */
  technicianApprovals?: number;
  flagged: boolean;
  integrationStatus: IntegrationStatus;
  integrationSlug: string;
  /** The workspace's emergency stop. */
  agentsPaused?: boolean;
  /** Who would really hear of an approval request, from what is set up (reach.ts). */
  reach: ExplainReach;
  /** Seeding classified the tool as a read (what plan mode lets through). */
  readOnly?: boolean;
  /** The per-agent limits set on this tool (Agents page). */
  toolLimits?: Array<{ agentName: string; callsPerHour: number }>;
  /** Its conditions on arguments (the draft's, before Save). */
  rules?: readonly PolicyRule[];
  /**
   * Sample arguments to decide for. Absent or null: arguments are unknown, and the decision answers
   * as the tool list does (the tool's own policy, which applies to arguments no rule matches).
   */
  sampleArguments?: Record<string, unknown> | null;
  /** The tool's definition as synced (a standing grant holds only for the definition it was given under). */
  definitionHash?: string;
  /** Active standing grants on this tool (Grants page). */
  grants?: Array<GrantCandidate & { agentName: string; expiresAt: Date | string }>;
};

type Circumstances = Pick<DecisionInput, "planMode" | "limits" | "grants">;

/**
 * The decision for an active agent whose scope includes this integration, calling with a valid key —
 * by default outside plan mode and under its limits; `circumstances` asks about plan mode or a full window.
 */
export function decisionForExplanation(
  input: Omit<ExplainInput, "reach">,
  circumstances: Circumstances = { planMode: null, limits: null },
): Decision {
  return decide({
    arguments: input.sampleArguments ?? null,
    workspace: { agentsPaused: Boolean(input.agentsPaused) },
    agent: { paused: false },
    key: { retired: false, revoked: false },
    integration: { status: input.integrationStatus, inAgentScope: true },
    tool: {
      policy: input.policy,
      managerApproval: input.managerApproval,
      technicianApprovals: input.technicianApprovals ?? 1,
      flagged: input.flagged,
      removed: false,
      definitionHash: input.definitionHash ?? "",
      readOnly: Boolean(input.readOnly),
      rules: input.rules ?? [],
    },
    ...circumstances,
  });
}

/** What plan mode and the rate limits do to this tool, each read from the decision under that circumstance. */
function explainPlanModeAndLimits(input: ExplainInput, call: string): string[] {
  const lines: string[] = [];
  const inPlanMode = decisionForExplanation(input, { planMode: "agent", limits: null });
  lines.push(
    inPlanMode.kind === "execute"
      ? `In plan mode (an agent's switch on the Agents page, or a call with Toolgate-Mode: plan) the agent can still call ${call}: it runs at once and is classified read-only.`
      : `In plan mode (an agent's switch on the Agents page, or a call with Toolgate-Mode: plan) the agent does not see ${call}, and a call is refused (403 plan_mode) before any upstream request.`,
  );
  for (const limit of input.toolLimits ?? []) {
    const full = decisionForExplanation(input, {
      planMode: null,
      limits: { agentPerMinute: null, toolPerHour: { limit: limit.callsPerHour, used: limit.callsPerHour, resetsInSeconds: 3600 } },
    });
    if (full.kind === "reject" && full.code === "rate_limited")
      lines.push(
        `${limit.agentName} may call it at most ${limit.callsPerHour} times an hour: a call over that is refused (429 rate_limited, with Retry-After) before any upstream request, even one that would have been approved.`,
      );
  }
  lines.push("An agent with a calls-per-minute limit (Agents page) is refused the same way (429 rate_limited) once over it.");
  return lines;
}

/** Each active standing grant, and whether the decision still honours it with this (even unsaved) choice. */
function explainGrants(input: ExplainInput, call: string): string[] {
  return (input.grants ?? []).map((grant) => {
    const until = new Date(grant.expiresAt).toISOString().replace("T", " ").slice(0, 16);
    const decision = decisionForExplanation(input, {
      planMode: null,
      limits: null,
      grants: {
        candidates: [grant],
        arguments: Object.fromEntries([...Object.entries(grant.pinnedArguments), ...grant.unpinnedArguments.map((name) => [name, null])]),
        requester: grant.requesterEmail ? { email: grant.requesterEmail, verifiedByTicket: true } : null,
      },
    });
    const what = `${grant.agentName}'s calls of ${call} with the arguments approved${grant.unpinnedArguments.length ? ` (any ${grant.unpinnedArguments.join(", ")})` : ""}${grant.requesterEmail ? ` for ${grant.requesterEmail}` : ""}`;
    if (decision.kind === "execute" && decision.grant)
      return `Standing grant by ${grant.approvedBy} until ${until} UTC: ${what} run at once (${decision.reason}); revoke it under Grants.`;
    if (decision.kind === "execute")
      return `The standing grant by ${grant.approvedBy} (until ${until} UTC) is not needed with this choice — every call runs at once — and a policy change voids it.`;
    return `The standing grant by ${grant.approvedBy} (until ${until} UTC) no longer applies with this choice: a change to the tool's policy or definition voids it, so ${what} ask again.`;
  });
}

/**
 * "What happens if the agent calls this?" in plain sentences: the one decision's answer for the
 * current (even unsaved) choice, put in words. Pure, so the detail page can explain a choice before
 * it is saved; it never re-states a rule, it reads the decision.
 */
export function explainPolicy(input: ExplainInput): string[] {
  const call = `${input.integrationSlug} / ${input.toolName}`;
  const decision = decisionForExplanation(input);
  const rules = explainRules(input, decision);
  if (decision.kind === "reject") return [...rules, ...explainRefusal(decision.code, call)];
  return [...rules, ...explainCall(input, call, decision), ...explainGrants(input, call), ...explainPlanModeAndLimits(input, call)];
}

/** Which of the tool's rules applies — to the sample arguments, or, without them, that it depends on them. */
function explainRules(input: ExplainInput, decision: Decision): string[] {
  const rules = input.rules ?? [];
  if (rules.length === 0) return [];
  const own = OUTCOME_WORDS({ policy: input.policy, managerApproval: input.policy === "approval_needed" && input.managerApproval });
  if (!input.sampleArguments) {
    const below = decision.rule
      ? `The agent still sees it, because ${decision.rule.text.replace(/ \(depending on the arguments\)$/, "")} can enable it. Below: what happens when it does.`
      : "Below: what happens to arguments no rule matches.";
    return [
      `The tool has ${rules.length} rule${rules.length === 1 ? "" : "s"} on its arguments, so what happens depends on them: the strictest matching rule wins, and arguments no rule matches get the tool's own policy (${own}). Give sample arguments to see which rule applies.`,
      below,
    ];
  }
  if (decision.rule) return [`With these arguments, ${decision.rule.text} applies (the strictest matching rule).`];
  return [`With these arguments no rule matches, so the tool's own policy applies (${own}).`];
}

function explainCall(input: ExplainInput, call: string, decision: Exclude<Decision, { kind: "reject" }>): string[] {
  switch (decision.kind) {
    case "execute":
      return [
        `The agent sees ${call} and its call runs at once: Toolgate makes the upstream request in the same request and returns the result.`,
        "No one is asked; the call and its result are recorded in Activity.",
      ];
    case "await_approval": {
      const lines: string[] = [];
      if (input.flagged && input.policy === "auto")
        lines.push(
          "Its definition changed upstream since it was reviewed, so until someone confirms the new definition it needs approval even though its policy says it runs automatically.",
        );
      lines.push(
        `The agent sees ${call}; its call does not run yet. The agent gets 202 pending_approval and waits.`,
        ...technicianReach(input.reach),
      );
      if (decision.technicians > 1)
        lines.push(
          `It needs ${decision.technicians} different technicians to approve (the two-person rule): the same person never counts twice, whatever the channel, and one denial denies the call.`,
        );
      if (decision.approvals.includes("manager"))
        lines.push(
          `The requester's manager, looked up in the client's Directory (never taken from the agent), also gets a request ${managerReach(input.reach)}. Both must approve, and they must be two different people; one denial denies the call.`,
          "The agent must name the requester; if the requester has no manager in the Directory, the call is refused (422 requester_manager_unknown), and if the manager can be reached neither by e-mail nor on Slack, it is refused too (422 manager_unreachable).",
        );
      lines.push(
        "Once approved, the call runs exactly once, with exactly the arguments the approvers saw. Unanswered requests expire; pausing the agent or the integration, or disabling the tool, cancels calls still waiting.",
      );
      return lines;
    }
    default:
      return assertNever(decision);
  }
}

/** Who hears of the technician request, in the words of what is set up (never a promise of a channel that is not). */
function technicianReach(reach: ExplainReach): string[] {
  const tickets = reach.tickets.map((system) => (system === "jira" ? "a Jira comment" : "a ConnectWise note"));
  const ticketNote = tickets.length ? ` When the agent names a ticket, it also gets ${tickets.join(" or ")} on it.` : "";
  if (reachesOnlyInbox(reach.technician))
    return [
      `Nobody is told of the request: Slack is not connected and e-mail (SMTP) is not set up, so it waits in the Approvals inbox until a technician opens it.${ticketNote} Connect Slack or set up e-mail under Settings → General.`,
    ];
  const outside = reach.technician.filter((channel) => channel !== "inbox");
  return [
    `Technicians get the request by ${channelsInWords(outside)} and in the Approvals inbox, and approve or deny it there or from a link.${ticketNote}`,
  ];
}

function managerReach(reach: ExplainReach): string {
  if (reach.manager.email && reach.manager.slack) return "by e-mail (and by Slack DM when they are on the workspace's Slack)";
  if (reach.manager.email) return "by e-mail";
  if (reach.manager.slack) return "by Slack DM — only if they are on the workspace's Slack (e-mail is not set up)";
  return "— but neither e-mail nor Slack is set up, so no manager can be reached and every call is refused (422 manager_unreachable)";
}

function explainRefusal(code: Extract<Decision, { kind: "reject" }>["code"], call: string): string[] {
  switch (code) {
    case "workspace_paused":
      return [`All agents are paused (the emergency stop): every call, ${call} included, is refused (403 agent_paused).`];
    case "integration_paused":
      return [
        `The integration is paused: the agent does not see ${call}, and a call is refused (integration_paused) before anything reaches the upstream.`,
      ];
    case "unknown_integration":
      return [`The integration is disconnected: the agent does not see ${call}, and a call is refused.`];
    case "tool_disabled":
      return [
        `The agent does not see ${call} in its tool list.`,
        "If it calls it anyway, the call is refused at once (403 tool_disabled) and nothing reaches the upstream system.",
      ];
    default:
      return [`A call to ${call} is refused (${code}).`];
  }
}
