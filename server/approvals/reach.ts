import { and, eq, inArray } from "drizzle-orm";
import type { Executor } from "@/db";
import { integrations, users, type ApprovalKind, type ApprovalNotify, type TicketSystem } from "@/db/schema";
import { reachesOnlyInbox, type ApprovalChannel, type ExplainReach } from "./channel-words";
import { approvalSlackApp, workspaceSmtp } from "./deliver/channels";

export { APPROVAL_CHANNELS, type ApprovalChannel } from "./channel-words";

/** What the workspace has set up for approvals, read once and shared by every request it judges. */
export type ReachSetup = {
  slack: boolean;
  smtp: boolean;
  /** Active ticketing integrations: MSP-wide (clientId null) or one client's. */
  ticketing: Array<{ kind: TicketSystem; clientId: string | null }>;
  /** Active technicians and admins (the technician request's approvers) and how each wants it. */
  approvers: Array<{ email: string; approvalNotify: ApprovalNotify }>;
};

export async function loadReachSetup(db: Executor, workspaceId: string): Promise<ReachSetup> {
  const [slack, smtp, ticketing, approvers] = await Promise.all([
    approvalSlackApp(db, workspaceId),
    workspaceSmtp(db, workspaceId),
    db
      .select({ kind: integrations.kind, clientId: integrations.clientId })
      .from(integrations)
      .where(
        and(
          eq(integrations.workspaceId, workspaceId),
          eq(integrations.status, "active"),
          inArray(integrations.kind, ["jira", "connectwise"]),
        ),
      ),
    db
      .select({ email: users.email, approvalNotify: users.approvalNotify })
      .from(users)
      .where(and(eq(users.workspaceId, workspaceId), eq(users.active, true), inArray(users.role, ["technician", "admin"]))),
  ]);
  return {
    slack: Boolean(slack),
    smtp: Boolean(smtp),
    ticketing: ticketing.map((row) => ({ kind: row.kind as TicketSystem, clientId: row.clientId })),
    approvers,
  };
}

/**
 * A technician's own channels: the ones their preference names, among those set up; when none of
 * them is, whatever is set up — a preference never leaves someone unreached.
 */
export function technicianRoutes(preference: ApprovalNotify, setup: { slack: boolean; smtp: boolean }): Array<"slack" | "email"> {
  const available = (["slack", "email"] as const).filter((channel) => (channel === "slack" ? setup.slack : setup.smtp));
  const wanted = available.filter((channel) => preference === "both" || preference === channel);
  return wanted.length ? wanted : available;
}

export type ReachCall = {
  requesterEmail: string | null;
  clientId: string | null;
  ticketSystem: TicketSystem | null;
  ticketId: string | null;
};

export type ReachRequest = {
  kind: ApprovalKind;
  /** The manager's address stored on a manager request. */
  approverEmail?: string | null;
  /** Whether the manager is known on the workspace's Slack (their Directory row's Slack id). */
  approverOnSlack?: boolean;
};

/**
 * The channels that will really carry one approval request, from what is set up. The technician
 * request: always the inbox; Slack and e-mail when at least one approver (never the requester) is
 * routed there; the ticket's system when a ticket is named and that system is connected. The
 * manager request (no account, so no inbox): e-mail when SMTP is set up, Slack when they are on it.
 * The same rules as the delivery plan (plan.ts), which reads them from here.
 */
export function requestChannels(setup: ReachSetup, call: ReachCall, request: ReachRequest): ApprovalChannel[] {
  const channels: ApprovalChannel[] = [];
  if (request.kind === "manager") {
    if (setup.smtp && request.approverEmail) channels.push("email");
    if (setup.slack && request.approverOnSlack) channels.push("slack");
    return channels;
  }
  channels.push("inbox");
  const routes = new Set(
    setup.approvers
      .filter((approver) => approver.email !== call.requesterEmail)
      .flatMap((approver) => technicianRoutes(approver.approvalNotify, setup)),
  );
  if (routes.has("slack")) channels.push("slack");
  if (routes.has("email")) channels.push("email");
  if (
    call.ticketSystem &&
    call.ticketId &&
    setup.ticketing.some((row) => row.kind === call.ticketSystem && (row.clientId === null || row.clientId === call.clientId))
  )
    channels.push(call.ticketSystem);
  return channels;
}

/**
 * Whether a technician request with no ticket reaches anyone outside the inbox in this workspace
 * today (the banner on Approvals and Integrations).
 */
export async function technicianRequestsUnreached(db: Executor, workspaceId: string): Promise<boolean> {
  const setup = await loadReachSetup(db, workspaceId);
  return reachesOnlyInbox(
    requestChannels(setup, { requesterEmail: null, clientId: null, ticketSystem: null, ticketId: null }, { kind: "technician" }),
  );
}

/** The reach of requests about one integration's tools, for "What happens if the agent calls this?". */
export async function explainReach(db: Executor, workspaceId: string, clientId: string | null): Promise<ExplainReach> {
  const setup = await loadReachSetup(db, workspaceId);
  const noTicket = { requesterEmail: null, clientId, ticketSystem: null, ticketId: null };
  return {
    technician: requestChannels(setup, noTicket, { kind: "technician" }),
    tickets: [...new Set(setup.ticketing.filter((row) => row.clientId === null || row.clientId === clientId).map((row) => row.kind))],
    manager: { email: setup.smtp, slack: setup.slack },
  };
}
