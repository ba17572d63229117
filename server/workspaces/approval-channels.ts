import { and, eq, inArray } from "drizzle-orm";
import { integrations, workspaces } from "@/db/schema";
import { recordAudit } from "../audit/record";
import { workspaceSmtp } from "../approvals/deliver/channels";
import type { UserContext } from "../context";
import { ServiceError } from "../errors";
import { sendPlainMail } from "../mail/send-mail";

export type ChannelState = { channel: "slack" | "smtp" | "jira" | "connectwise"; ready: boolean; detail: string; setupHref: string };

/**
 * Whether each way of reaching approvers is set up for the workspace (General settings shows it):
 * the Slack app, SMTP, and the ticket systems that carry notes (Jira, ConnectWise).
 */
export async function listApprovalChannels({ db, user }: UserContext): Promise<ChannelState[]> {
  const [workspace] = await db.select({ smtp: workspaces.smtpSettings }).from(workspaces).where(eq(workspaces.id, user.workspaceId));
  const connected = await db
    .select({ kind: integrations.kind, name: integrations.name, status: integrations.status })
    .from(integrations)
    .where(and(eq(integrations.workspaceId, user.workspaceId), inArray(integrations.kind, ["slack", "jira", "connectwise"])));
  const state = (kind: "slack" | "jira" | "connectwise", what: string): ChannelState => {
    const active = connected.filter((row) => row.kind === kind && row.status === "active");
    const paused = connected.filter((row) => row.kind === kind && row.status === "paused");
    return {
      channel: kind,
      ready: active.length > 0,
      detail: active.length
        ? `Connected: ${active.map((row) => row.name).join(", ")}. ${what}`
        : paused.length
          ? `Paused: ${paused.map((row) => row.name).join(", ")}. Resume it to use it.`
          : "Not connected.",
      setupHref: `/settings/integrations/new?kind=${kind}`,
    };
  };
  return [
    state("slack", "Technicians get approval requests as Slack messages."),
    {
      channel: "smtp",
      ready: Boolean(workspace?.smtp),
      detail: workspace?.smtp
        ? `Sending from ${workspace.smtp.from} via ${workspace.smtp.host}.`
        : "Not set up: managers cannot be e-mailed.",
      setupHref: "/settings/general#smtp",
    },
    state("jira", "Requests are noted on the Jira issue named by the agent."),
    state("connectwise", "Requests are noted on the ConnectWise ticket named by the agent."),
  ];
}

/** Sends a test e-mail to the signed-in admin over the saved SMTP settings; says in words why it failed. */
export async function sendTestEmail(ctx: UserContext): Promise<{ to: string }> {
  const smtp = await workspaceSmtp(ctx.db, ctx.user.workspaceId);
  if (!smtp) throw new ServiceError("invalid_input", "Save an SMTP host and sender address first.");
  const to = ctx.user.email;
  try {
    await sendPlainMail(smtp, to, {
      subject: "Toolgate test e-mail",
      text: "This is a test e-mail from Toolgate. Approval requests for managers will be sent the same way.",
    });
  } catch (error) {
    throw new ServiceError("upstream_unreachable", `The SMTP server did not accept the test e-mail: ${(error as Error).message}`);
  }
  await recordAudit(ctx.db, {
    workspaceId: ctx.user.workspaceId,
    actorType: "user",
    actorId: ctx.user.id,
    action: "workspace.smtp_tested",
    data: { to },
  });
  return { to };
}
