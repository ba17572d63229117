import { and, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { approvalRequests, deliveries, directoryPeople, toolCalls, users, type DeliveryChannel } from "@/db/schema";
import { getEnv } from "../../env";
import { smtpTransport } from "../../mail/send-mail";
import { postTicketNote } from "../../integrations/connectors/ticketing";
import { UpstreamError } from "../../integrations/connectors/types";
import { slackClient } from "../../integrations/connectors/slack";
import { openIntegrationSecrets } from "../../integrations/credentials";
import { PermanentJobError, RetryLaterError } from "../../jobs/errors";
import type { JobRow } from "../../jobs/worker";
import { approvalLink, mintApprovalToken, type Approver } from "../tokens";
import { approvalSlackApp, ticketingIntegration, workspaceSmtp } from "./channels";
import { approvalEmail, requestClosedEmail } from "./email-message";
import { loadRequestSummary, type RequestSummary } from "../summary";
import { approvalRequestBlocks, decidedBlocks } from "./slack-message";
import { jiraCommentAdf, ticketNoteText } from "./ticket-note";

type Delivery = typeof deliveries.$inferSelect;

async function loadDelivery(db: Database, job: JobRow): Promise<Delivery | null> {
  const [delivery] = await db
    .select()
    .from(deliveries)
    .where(eq(deliveries.id, String(job.payload.deliveryId)));
  return delivery ?? null;
}

async function markSent(db: Database, delivery: Delivery, externalRef: Record<string, string> | null) {
  await db
    .update(deliveries)
    .set({ status: "sent", sentAt: new Date(), externalRef, lastError: null })
    .where(eq(deliveries.id, delivery.id));
}

/** Records the failure on the delivery (the call's timeline shows it) and rethrows for the outbox to retry. */
async function recordFailure(db: Database, delivery: Delivery, error: unknown, finalAttempt: boolean): Promise<never> {
  const message = error instanceof Error ? error.message : String(error);
  await db
    .update(deliveries)
    .set({ lastError: message, ...(finalAttempt || error instanceof PermanentJobError ? { status: "failed" as const } : {}) })
    .where(eq(deliveries.id, delivery.id));
  throw error;
}

/** Turns Slack API errors into retry-later, permanent or ordinary (retried with backoff) failures. */
function slackFailure(error: unknown): Error {
  const code = (error as { code?: string }).code;
  const data = (error as { data?: { error?: string } }).data;
  if (code === "slack_webapi_rate_limited_error")
    return new RetryLaterError(
      "Slack is rate-limiting; retrying later",
      Number((error as { retryAfter?: number }).retryAfter ?? 30) * 1000,
    );
  if (
    data?.error &&
    [
      "invalid_auth",
      "not_authed",
      "account_inactive",
      "token_revoked",
      "users_not_found",
      "user_not_found",
      "channel_not_found",
      "not_in_channel",
      "is_archived",
    ].includes(data.error)
  ) {
    return new PermanentJobError(`Slack answered ${data.error}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** The approver's Slack user id: stored on their user or directory row, else looked up by e-mail (and stored). */
async function slackUserIdFor(db: Database, client: ReturnType<typeof slackClient>, approver: Approver): Promise<string> {
  const [row] = approver.userId
    ? await db.select({ slackUserId: users.slackUserId, email: users.email }).from(users).where(eq(users.id, approver.userId))
    : await db
        .select({ slackUserId: directoryPeople.slackUserId, email: directoryPeople.email })
        .from(directoryPeople)
        .where(eq(directoryPeople.id, approver.personId!));
  if (!row) throw new PermanentJobError("The approver no longer exists.");
  if (row.slackUserId) return row.slackUserId;
  const found = await client.users.lookupByEmail({ email: row.email });
  const id = found.user?.id;
  if (!id) throw new PermanentJobError(`No Slack user has the e-mail ${row.email}.`);
  if (approver.userId) await db.update(users).set({ slackUserId: id }).where(eq(users.id, approver.userId));
  else await db.update(directoryPeople).set({ slackUserId: id }).where(eq(directoryPeople.id, approver.personId!));
  return id;
}

function approverOf(job: JobRow): Approver {
  if (job.payload.approverUserId) return { userId: String(job.payload.approverUserId) };
  if (job.payload.approverPersonId) return { personId: String(job.payload.approverPersonId) };
  throw new PermanentJobError("The delivery names no approver.");
}

async function stillPending(db: Database, delivery: Delivery): Promise<boolean> {
  const [request] = await db
    .select({ status: approvalRequests.status })
    .from(approvalRequests)
    .where(eq(approvalRequests.id, delivery.approvalRequestId ?? ""));
  return request?.status === "pending";
}

/** The signed-in inbox, open at this call: where an escalation's message sends its reader. */
const inboxLink = (callId: string) => `${getEnv().publicUrl}/approvals?call=${callId}`;

/**
 * An approver's own link: a deep link with their token, or for an escalation's message the
 * signed-in inbox (escalations may go where other people read, so they carry no token).
 */
async function linkFor(db: Database, delivery: Delivery, summary: RequestSummary, approver: Approver): Promise<string> {
  if (delivery.escalationLevel > 0) return inboxLink(summary.callId);
  const token = await mintApprovalToken(db, {
    workspaceId: delivery.workspaceId,
    approvalRequestId: delivery.approvalRequestId!,
    expiresAt: summary.expiresAt,
    approver,
  });
  return approvalLink(token);
}

const escalationOf = (delivery: Delivery) => (delivery.escalationLevel > 0 ? { level: delivery.escalationLevel } : undefined);

/**
 * A Slack DM (conversations.open + chat.postMessage) with the request and Approve / Deny; for an
 * escalation to a channel (no approver, the channel as recipient) a post to that channel, whose
 * buttons decide only for Slack users mapped to Toolgate approvers (slack/interactions.ts).
 */
export async function deliverSlack(job: JobRow, db: Database): Promise<void> {
  const delivery = await loadDelivery(db, job);
  if (!delivery || delivery.status === "sent" || !(await stillPending(db, delivery))) return;
  try {
    const app = await approvalSlackApp(db, delivery.workspaceId);
    if (!app) throw new PermanentJobError("Slack is no longer connected.");
    const client = slackClient(app.botToken, { retries: 0, timeoutMs: 15_000 });
    const toChannel = delivery.escalationLevel > 0 && !job.payload.approverUserId && !job.payload.approverPersonId;
    const summary = await loadRequestSummary(db, delivery.approvalRequestId!);
    let channel: string | undefined = delivery.recipient;
    let slackUser: string | null = null;
    let link = inboxLink(summary.callId);
    if (!toChannel) {
      const approver = approverOf(job);
      slackUser = await slackUserIdFor(db, client, approver);
      link = await linkFor(db, delivery, summary, approver);
      const opened = await client.conversations.open({ users: slackUser });
      channel = opened.channel?.id;
      if (!channel) throw new Error("Slack did not open a DM channel.");
    }
    const message = approvalRequestBlocks(summary, link, Boolean(app.signingSecret), escalationOf(delivery));
    const posted = await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks as never });
    await markSent(db, delivery, {
      channel: String(posted.channel ?? channel),
      ts: String(posted.ts ?? ""),
      ...(slackUser ? { slackUserId: slackUser } : {}),
    });
  } catch (error) {
    await recordFailure(db, delivery, slackFailure(error), job.attempts >= job.maxAttempts);
  }
}

/** An approver's e-mail over SMTP (nodemailer), with their own deep link (an escalation's: the inbox). */
export async function deliverEmail(job: JobRow, db: Database): Promise<void> {
  const delivery = await loadDelivery(db, job);
  if (!delivery || delivery.status === "sent" || !(await stillPending(db, delivery))) return;
  try {
    const smtp = await workspaceSmtp(db, delivery.workspaceId);
    if (!smtp) throw new PermanentJobError("E-mail (SMTP) is not configured.");
    const summary = await loadRequestSummary(db, delivery.approvalRequestId!);
    const link = await linkFor(db, delivery, summary, approverOf(job));
    const messageId = await sendMail(smtp, delivery.recipient, approvalEmail(summary, link, escalationOf(delivery)));
    await markSent(db, delivery, { messageId });
  } catch (error) {
    await recordFailure(db, delivery, error, job.attempts >= job.maxAttempts);
  }
}

/** A note on the named Jira issue or ConnectWise ticket, linking to the signed-in Toolgate page. */
export async function deliverTicketNote(job: JobRow, db: Database): Promise<void> {
  const delivery = await loadDelivery(db, job);
  if (!delivery || delivery.status === "sent") return;
  try {
    const summary = await loadRequestSummary(db, delivery.approvalRequestId!);
    const system = delivery.channel as Extract<DeliveryChannel, "jira" | "connectwise">;
    const integration = await ticketingIntegration(db, delivery.workspaceId, system, null);
    if (!integration) throw new PermanentJobError(`${system} is no longer connected.`);
    const link = inboxLink(summary.callId);
    const id = await postTicketNote(
      { kind: system, config: integration.config, secrets: openIntegrationSecrets(integration) },
      delivery.recipient,
      {
        text: ticketNoteText(summary, link),
        adf: jiraCommentAdf(summary, link),
      },
    );
    await markSent(db, delivery, { noteId: id });
  } catch (error) {
    const failure =
      error instanceof UpstreamError && (error.reason === "unauthorized" || error.message.includes("404"))
        ? new PermanentJobError(error.message)
        : error;
    await recordFailure(db, delivery, failure, job.attempts >= job.maxAttempts);
  }
}

type WorkspaceSmtp = NonNullable<Awaited<ReturnType<typeof workspaceSmtp>>>;

/** Sends one e-mail over the workspace's SMTP (nodemailer). */
async function sendMail(smtp: WorkspaceSmtp, to: string, email: { subject: string; text: string; html: string }): Promise<string> {
  const transport = smtpTransport(smtp);
  const info = await transport.sendMail({ from: smtp.from, to, subject: email.subject, text: email.text, html: email.html });
  return String(info.messageId ?? "");
}

/**
 * After a decision or a cancellation: every Slack DM about the request now says who decided what
 * (or why it was cancelled), without buttons; an approver e-mailed about a call that was cancelled
 * gets one short follow-up saying it is no longer needed (recorded on the delivery, never twice).
 */
export async function updateApprovalMessages(job: JobRow, db: Database): Promise<void> {
  const approvalRequestId = String(job.payload.approvalRequestId);
  const sent = await db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.approvalRequestId, approvalRequestId), eq(deliveries.status, "sent")));
  if (sent.length === 0) return;
  const summary = await loadRequestSummary(db, approvalRequestId);
  const [request] = await db
    .select({
      status: approvalRequests.status,
      comment: approvalRequests.comment,
      byUser: users.name,
      byPerson: directoryPeople.name,
      callStatus: toolCalls.status,
      callError: toolCalls.errorMessage,
    })
    .from(approvalRequests)
    .innerJoin(toolCalls, eq(toolCalls.id, approvalRequests.callId))
    .leftJoin(users, eq(users.id, approvalRequests.decidedByUserId))
    .leftJoin(directoryPeople, eq(directoryPeople.id, approvalRequests.decidedByPersonId))
    .where(eq(approvalRequests.id, approvalRequestId));
  if (!request) return;
  const reason = request.callStatus === "cancelled" ? request.callError : null;

  const emailed = sent.filter((delivery) => delivery.channel === "email" && !delivery.externalRef?.closedNotice);
  if (reason && emailed.length) {
    const smtp = await workspaceSmtp(db, summary.workspaceId);
    if (smtp) {
      for (const delivery of emailed) {
        const messageId = await sendMail(smtp, delivery.recipient, requestClosedEmail(summary, reason));
        await db
          .update(deliveries)
          .set({ externalRef: { ...delivery.externalRef, closedNotice: messageId || "sent" } })
          .where(eq(deliveries.id, delivery.id));
      }
    }
  }

  const slackMessages = sent.filter((delivery) => delivery.channel === "slack");
  if (slackMessages.length === 0) return;
  const app = await approvalSlackApp(db, summary.workspaceId);
  if (!app) return;
  const client = slackClient(app.botToken, { retries: 0 });
  // Still pending (a technician approved, the two-person rule waits for another): the request again,
  // saying "1 of 2 technicians approved", its buttons kept (Details opens the signed-in inbox: no new link is minted).
  if (request.status === "pending" && !app.signingSecret) return;
  const message =
    request.status === "pending"
      ? approvalRequestBlocks(summary, `${getEnv().publicUrl}/approvals?call=${summary.callId}`, true)
      : decidedBlocks(summary, {
          status: request.status,
          by: request.byUser ?? request.byPerson ?? null,
          comment: request.comment,
          reason,
        });
  for (const delivery of slackMessages) {
    if (!delivery.externalRef?.channel || !delivery.externalRef.ts) continue;
    try {
      await client.chat.update({
        channel: delivery.externalRef.channel,
        ts: delivery.externalRef.ts,
        text: message.text,
        blocks: message.blocks as never,
      });
    } catch (error) {
      throw slackFailure(error);
    }
  }
}
