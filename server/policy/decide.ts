import type { ApprovalKind, IntegrationStatus, ToolPolicy } from "@/db/schema";
import { assertNever } from "../errors";
import { toolPolicyFingerprint } from "./fingerprint";
import { grantCovers, type GrantCandidate, type GrantedCallFacts } from "./grant-match";
import { OUTCOME_WORDS, ruleText, strictestMatch, strictnessOf, type DecidingRule, type PolicyRule, type RuleOutcome } from "./rules";

/** The state one decision reads: everything that can stop a call, fresh from the database. */
export type DecisionInput = {
  workspace: { agentsPaused: boolean };
  agent: { paused: boolean };
  /** The key the call is made with (or, for a call already made, was made with). Null: unknown. */
  key: { retired: boolean; revoked: boolean } | null;
  /** Null when the workspace has no integration by that name. */
  integration: { status: IntegrationStatus; inAgentScope: boolean } | null;
  /** Null when the integration has no tool by that name. */
  tool: {
    policy: ToolPolicy;
    managerApproval: boolean;
    /** The two-person rule: distinct technicians who must approve (1 = the usual one; with `approval_needed` only). */
    technicianApprovals: number;
    flagged: boolean;
    removed: boolean;
    definitionHash: string;
    /** Seeding classified it as a read (server/policy/classify.ts): what plan mode lets through. */
    readOnly: boolean;
    /** Its conditions on arguments, in the admin's order (server/policy/rules.ts). */
    rules: readonly PolicyRule[];
  } | null;
  /**
   * The call's arguments (for a call already made, the stored ones). Null where no call is at hand
   * (the tool list, the explanation without sample arguments): the decision then answers for
   * arguments no rule matches, except that a tool disabled by its own policy but enabled by some
   * rule answers with the strictest such rule's outcome, so the list shows a tool unless every
   * path disables it (see `rulesOutcome`).
   */
  arguments: Record<string, unknown> | null;
  /**
   * Plan mode, and who asked for it: the agent's switch (`agent`, which also holds calls already
   * made) or this one request's `Toolgate-Mode: plan` header (`request`). Null: not in plan mode.
   */
  planMode: "agent" | "request" | null;
  /**
   * The rate limits that apply to a new call, each with the calls already counted in its current
   * fixed window before this one (`used`) and the seconds until that window ends. Null where no
   * limit applies or nothing is counted (the tool list, calls already made: they were counted when made).
   */
  limits: {
    agentPerMinute: RateWindow | null;
    toolPerHour: RateWindow | null;
  } | null;
  /**
   * Present when deciding about a call already made (an approval being given, the moment before
   * execution): the approvals its approvers were asked for, and the tool definition they saw.
   */
  call?: {
    approvals: ApprovalKind[];
    definitionHash: string | null;
    /** How many distinct technicians its technician request asks for (0 when it has none). */
    technicianApprovals: number;
  };
  /**
   * For a new call: the agent's active standing grants on this tool (read in the call's one query:
   * unexpired, unrevoked) and the call's arguments and requester they are matched against.
   */
  grants?: GrantedCallFacts & { candidates: GrantCandidate[] };
};

/** One rate limit's current fixed window. */
export type RateWindow = { limit: number; used: number; resetsInSeconds: number };

/** Why a call may not go on. Each maps to one public error code in the gateway (see gateway/outcome.ts). */
export const REJECT_CODES = [
  "workspace_paused",
  "agent_paused",
  "key_retired",
  "key_revoked",
  "out_of_scope",
  "unknown_integration",
  "integration_paused",
  "unknown_tool",
  "tool_removed",
  "tool_disabled",
  "plan_mode",
  "rate_limited",
  "definition_changed",
  "approvals_changed",
] as const;
export type RejectCode = (typeof REJECT_CODES)[number];

/** The rule that decided, when one did (recorded on the call as `decision.rule`). */
type ByRule = { rule?: DecidingRule };

export type Decision =
  | ({ kind: "reject"; code: RejectCode; reason: string; retryAfterSeconds?: number } & ByRule)
  | ({ kind: "execute"; reason: string; grant?: { id: string; approvedBy: string } } & ByRule)
  | ({
      kind: "await_approval";
      approvals: ApprovalKind[];
      /** How many distinct technicians must approve (the two-person rule; 1 otherwise). */
      technicians: number;
      reason: string;
    } & ByRule);

export type Rejection = Extract<Decision, { kind: "reject" }>;

const reject = (code: RejectCode, reason: string): Rejection => ({ kind: "reject", code, reason });

/**
 * The stops that concern the agent as a whole, in the decision's order: workspace paused → agent
 * paused → key. Part of `decide` (which calls it first); exported so the tool list can refuse the
 * whole list with the same answer.
 */
export function agentStop(input: Pick<DecisionInput, "workspace" | "agent" | "key" | "call">): Rejection | null {
  if (input.workspace.agentsPaused) return reject("workspace_paused", "all agents of the workspace are paused");
  if (input.agent.paused) return reject("agent_paused", "the agent is paused");
  if (!input.key) return reject("key_revoked", "the API key the call was made with no longer exists");
  if (input.key.revoked) return reject("key_revoked", "the API key was revoked as compromised");
  // Retiring a key (rotation) refuses new calls, but lets calls already made with it go on.
  if (input.key.retired && !input.call) return reject("key_retired", "the API key was retired");
  return null;
}

type Tool = NonNullable<DecisionInput["tool"]>;

/**
 * The outcome the tool's rules give these arguments: the strictest matching rule's, else the
 * tool's own policy. With arguments unknown (null): the tool's own policy — what arguments matching
 * no rule get — unless it is `disabled` and some rule enables the tool, when the strictest of the
 * enabling rules answers (the tool list then shows the tool, saying the most it may need).
 */
function rulesOutcome(tool: Tool, args: Record<string, unknown> | null): { outcome: RuleOutcome; rule?: DecidingRule } {
  const own: RuleOutcome = { policy: tool.policy, managerApproval: tool.policy === "approval_needed" && tool.managerApproval };
  if (args === null) {
    if (own.policy !== "disabled") return { outcome: own };
    let enabling: { rule: PolicyRule; index: number } | null = null;
    for (const [index, rule] of tool.rules.entries()) {
      if (rule.then.policy === "disabled") continue;
      if (!enabling || strictnessOf(rule.then) > strictnessOf(enabling.rule.then)) enabling = { rule, index };
    }
    if (!enabling) return { outcome: own };
    const { rule, index } = enabling;
    return {
      outcome: rule.then,
      rule: { index: index + 1, text: `${ruleText(rule, index)} (depending on the arguments)`, then: rule.then },
    };
  }
  const match = strictestMatch(tool.rules, args, own);
  if (!match) return { outcome: own };
  return { outcome: match.rule.then, rule: { index: match.index + 1, text: ruleText(match.rule, match.index), then: match.rule.then } };
}

/** What the policy alone asks for (a flagged definition raises `auto` to a technician's approval). */
function policyDecision(tool: Pick<Tool, "policy" | "managerApproval" | "flagged" | "technicianApprovals">): Decision {
  switch (tool.policy) {
    case "disabled":
      return reject("tool_disabled", "the tool is disabled");
    case "auto":
      if (tool.flagged)
        return {
          kind: "await_approval",
          approvals: ["technician"],
          technicians: 1,
          reason: "policy: auto, but the tool's definition changed upstream and is not yet confirmed",
        };
      return { kind: "execute", reason: "policy: auto" };
    case "approval_needed": {
      // A number no admin could have set (not a whole number of at least 1) asks for the most the rule offers.
      const technicians = Number.isInteger(tool.technicianApprovals) && tool.technicianApprovals >= 1 ? tool.technicianApprovals : 3;
      const byTechnicians = technicians > 1 ? ` by ${technicians} distinct technicians` : "";
      return tool.managerApproval
        ? {
            kind: "await_approval",
            approvals: ["technician", "manager"],
            technicians,
            reason: `policy: approval_needed${byTechnicians} with manager approval`,
          }
        : { kind: "await_approval", approvals: ["technician"], technicians, reason: `policy: approval_needed${byTechnicians}` };
    }
    default:
      return assertNever(tool.policy);
  }
}

/** The policy decision after the tool's rules: the deciding rule is named in the reason and carried as `rule`. */
function byRules(tool: Tool, args: Record<string, unknown> | null): Decision {
  const { outcome, rule } = rulesOutcome(tool, args);
  // A rule picks the policy; the two-person rule is the tool's own, whichever path asks for approval.
  const decision = policyDecision({
    policy: outcome.policy,
    managerApproval: outcome.managerApproval,
    flagged: tool.flagged,
    technicianApprovals: tool.technicianApprovals,
  });
  if (!rule) return decision;
  const flaggedNote =
    outcome.policy === "auto" && tool.flagged ? ", but the tool's definition changed upstream and is not yet confirmed" : "";
  const reason =
    decision.kind === "reject" ? `${rule.text}: the tool is disabled` : `${rule.text}: ${OUTCOME_WORDS(outcome)}${flaggedNote}`;
  return { ...decision, reason, rule };
}

/**
 * Plan mode lets through only what is both harmless and unattended: a tool that runs at once (`auto`,
 * not flagged) and that seeding classified as a read.
 */
function planModeStop(input: DecisionInput, policy: Decision): Rejection | null {
  if (!input.planMode) return null;
  if (policy.kind === "execute" && input.tool?.readOnly) return null;
  const who = input.planMode === "agent" ? "the agent is in plan mode" : "the call asked for plan mode (Toolgate-Mode: plan)";
  const why = policy.kind !== "execute" ? "the tool does not run at once" : "the tool is not classified read-only";
  return reject("plan_mode", `${who}: only tools that run at once and are classified read-only may be called, and ${why}`);
}

/** The first rate limit whose window is full; the refusal says when it resets. */
function rateLimitStop(limits: DecisionInput["limits"]): Rejection | null {
  const full = (
    [
      ["calls a minute for this agent", limits?.agentPerMinute],
      ["calls an hour of this tool for this agent", limits?.toolPerHour],
    ] as const
  ).find(([, window]) => window && window.used >= window.limit);
  if (!full) return null;
  const [what, window] = full;
  const retryAfterSeconds = Math.max(1, Math.ceil(window!.resetsInSeconds));
  return {
    ...reject("rate_limited", `rate limit: at most ${window!.limit} ${what}; the window resets in ${retryAfterSeconds} s`),
    retryAfterSeconds,
  };
}

/**
 * A standing grant in place of the approvals the policy asks: the first active grant that covers
 * this call (grant-match.ts) lets it run at once, recorded as run by that grant. Only for a new
 * call, and only after every refusal — a grant never lifts a pause, plan mode or a rate limit.
 */
function grantRung(input: DecisionInput, decision: Extract<Decision, { kind: "await_approval" }>): Decision | null {
  const grants = input.grants;
  if (!grants?.candidates.length || !input.tool) return null;
  const fingerprint = toolPolicyFingerprint(input.tool);
  const grant = grants.candidates.find((candidate) => grantCovers(candidate, grants, decision.approvals, fingerprint));
  if (!grant) return null;
  return {
    kind: "execute",
    reason: `auto by grant ${grant.id}, approved by ${grant.approvedBy}`,
    grant: { id: grant.id, approvedBy: grant.approvedBy },
    ...(decision.rule ? { rule: decision.rule } : {}),
  };
}

/**
 * The one decision: whether a call may go on, a pure function of fresh state, called at every
 * enforcement point — the call (REST and MCP), the tool list, each approval, the moment before
 * execution — and shown by the explanation. In order: workspace paused → agent paused → key →
 * client outside the agent's scope → integration missing/paused → tool removed → the tool's rules
 * on the call's arguments, else its policy (`disabled`) → plan mode → rate limits → the policy's
 * run-now or approval → a standing grant that covers the call instead of that approval. A refusal that waiting
 * does not cure comes before the one that it does (rate limits), so Retry-After is never a false
 * promise; a rate limit refuses even a call that would have been approved.
 * Anything it cannot evaluate denies.
 *
 * For a call already made (`input.call`), it answers whether the call may still run once the
 * approvals it asked for are given: `execute` when nothing stops it and those approvals are at
 * least what the policy asks now (the kinds, and as many technicians as the two-person rule asks
 * now); `reject` otherwise (the call is then cancelled).
 */
export function decide(input: DecisionInput): Decision {
  const stop = agentStop(input);
  if (stop) return stop;
  const { integration, tool, call } = input;
  if (!integration) return reject("unknown_integration", "no such integration for this agent");
  if (!integration.inAgentScope) return reject("out_of_scope", "the integration's client is outside the agent's scope");
  if (integration.status === "paused") return reject("integration_paused", "the integration is paused");
  if (integration.status !== "active") return reject("unknown_integration", `the integration is ${integration.status}`);
  if (!tool) return reject("unknown_tool", "no such tool");
  if (tool.removed) return reject("tool_removed", "the tool was removed upstream");
  const decision = byRules(tool, input.arguments);
  if (decision.kind === "reject") return decision;
  const planStop = planModeStop(input, decision);
  if (planStop) return planStop;
  const limitStop = rateLimitStop(input.limits);
  if (limitStop) return limitStop;
  if (!call) return decision.kind === "await_approval" ? (grantRung(input, decision) ?? decision) : decision;
  if (call.definitionHash !== tool.definitionHash)
    return reject("definition_changed", "the tool's definition changed upstream after the call was made");
  const missing = decision.kind === "await_approval" ? decision.approvals.filter((kind) => !call.approvals.includes(kind)) : [];
  if (missing.length)
    return {
      ...reject("approvals_changed", `the tool now needs ${missing.join(" and ")} approval, which this call did not ask for`),
      ...(decision.rule ? { rule: decision.rule } : {}),
    };
  // The two-person rule raised after the call was made: its approvals are fewer people than asked now.
  if (decision.kind === "await_approval" && call.technicianApprovals < decision.technicians)
    return {
      ...reject(
        "approvals_changed",
        `the tool now needs ${decision.technicians} technicians' approval, and this call asked for ${call.technicianApprovals}`,
      ),
      ...(decision.rule ? { rule: decision.rule } : {}),
    };
  return {
    kind: "execute",
    reason: `${decision.reason}; the approvals asked for suffice`,
    ...(decision.rule ? { rule: decision.rule } : {}),
  };
}
