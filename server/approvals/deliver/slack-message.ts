import { argumentPreview, headline, oneLine, requesterLine, ticketLine, votesLine, type RequestSummary } from "../summary";

type Block = Record<string, unknown>;
type RichTextElement =
  { type: "text"; text: string; style?: { bold?: boolean; italic?: boolean } } | { type: "link"; url: string; text: string };

/*
 * Everything an agent or an upstream tool chose (tool title, arguments, reason, requester, ticket)
 * goes into rich_text elements, whose text Slack shows literally: unlike mrkdwn, a "```" cannot
 * close a code block and "*Pre-approved by …*" stays those characters, not bold text. Labels are
 * styled with rich-text styles, never with markup around agent text.
 */
const text = (value: string, style?: { bold?: boolean; italic?: boolean }): RichTextElement => ({
  type: "text",
  text: value,
  ...(style ? { style } : {}),
});
const bold = (value: string) => text(value, { bold: true });
const richText = (...elements: Block[]): Block => ({ type: "rich_text", elements });
const section = (...elements: RichTextElement[]): Block => ({ type: "rich_text_section", elements });

/**
 * The notification text (shown in notifications and where blocks cannot be). It is mrkdwn, and
 * chat.update cannot turn that off: Slack's control characters are escaped and formatting
 * characters dropped, so it shows no markup the agent wrote.
 */
const notificationText = (value: string) =>
  oneLine(value)
    .replace(/[*_~`]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");

/** Label: value lines of one rich-text section. */
function fieldLines(fields: Array<[string, string]>): RichTextElement[] {
  return fields.flatMap(([label, value], index) => [bold(`${label}: `), text(index < fields.length - 1 ? `${value}\n` : value)]);
}

/** An escalation's message: the request is still unanswered; level 2 went to the admins. */
export type MessageEscalation = { level: number };

/**
 * The Block Kit DM asking for a decision. With a signing secret (interactivity pointed at
 * /api/slack/interactions) Approve and Deny are action buttons plus a Details link; without one
 * they are links to the deep-link page, where the decision is made. Where the arguments are
 * shortened, the message says so and links to that page, which shows them in full. An escalation's
 * message (to a channel or a DM) links to the signed-in inbox instead: it never carries a token.
 */
export function approvalRequestBlocks(
  summary: RequestSummary,
  link: string,
  interactive: boolean,
  escalation?: MessageEscalation,
): { text: string; blocks: Block[] } {
  const fields: Array<[string, string]> = [
    ["Tool", `${oneLine(summary.toolTitle)} (${oneLine(summary.toolName)})`],
    ["Integration", oneLine(`${summary.integrationName}${summary.clientName ? ` — ${summary.clientName}` : ""}`)],
    ["Requester", requesterLine(summary)],
    ["Agent", oneLine(summary.agentName)],
    ...(summary.ticket ? [["Ticket", ticketLine(summary.ticket)] as [string, string]] : []),
  ];
  const preview = argumentPreview(summary.arguments);
  const openInbox: Block = {
    type: "button",
    action_id: "toolgate_open_inbox",
    text: { type: "plain_text", text: "Open in Toolgate" },
    url: link,
  };
  const decisionButtons: Block[] = [
    {
      type: "button",
      action_id: "toolgate_approve",
      text: { type: "plain_text", text: "Approve" },
      style: "primary",
      value: summary.approvalRequestId,
    },
    // "Approve for 1 h": also a one-hour standing grant (server/grants), where the call can be granted —
    // not on an escalation, where many people see one message.
    ...(summary.canGrant === false || escalation
      ? []
      : [
          {
            type: "button",
            action_id: "toolgate_approve_1h",
            text: { type: "plain_text", text: "Approve for 1 h" },
            value: summary.approvalRequestId,
          },
        ]),
    {
      type: "button",
      action_id: "toolgate_deny",
      text: { type: "plain_text", text: "Deny" },
      style: "danger",
      value: summary.approvalRequestId,
    },
  ];
  // An escalation's link is the signed-in inbox: without interactivity it is the only way to decide.
  const actions: Block[] = escalation
    ? [...(interactive ? decisionButtons : []), openInbox]
    : interactive
      ? [...decisionButtons, { type: "button", action_id: "toolgate_details", text: { type: "plain_text", text: "Details" }, url: link }]
      : [
          {
            type: "button",
            action_id: "toolgate_open_approve",
            text: { type: "plain_text", text: "Approve" },
            style: "primary",
            url: link,
          },
          { type: "button", action_id: "toolgate_open_deny", text: { type: "plain_text", text: "Deny" }, style: "danger", url: link },
        ];
  const title = escalation
    ? `Escalated${escalation.level > 1 ? " to the admins" : ""}: technician approval still unanswered`
    : `${summary.kind === "manager" ? "Manager" : "Technician"} approval needed`;
  return {
    text: `${notificationText(headline(summary))} — ${escalation ? "escalated, still unanswered" : "approval needed"}`,
    blocks: [
      { type: "header", text: { type: "plain_text", text: title } },
      richText(section(bold(headline(summary)))),
      richText(section(...fieldLines(fields))),
      richText(
        section(bold("Arguments")),
        { type: "rich_text_preformatted", elements: [text(preview.lines.join("\n"))] },
        ...(preview.shortened
          ? [
              section(
                text("Some arguments are shortened here. ", { italic: true }),
                { type: "link", url: link, text: "See the request in full" },
                text(" before deciding.", { italic: true }),
              ),
            ]
          : []),
      ),
      ...(summary.reason ? [richText(section(bold("Reason given: "), text(oneLine(summary.reason))))] : []),
      ...(votesLine(summary.technicianVotes)
        ? [richText(section(bold("Two-person rule: "), text(`${votesLine(summary.technicianVotes)} — the same person never counts twice`)))]
        : []),
      {
        type: "context",
        elements: [
          {
            type: "plain_text",
            text: `${oneLine(summary.mspName)} · call ${summary.callId} · expires ${summary.expiresAt.toISOString().replace("T", " ").slice(0, 16)} UTC`,
          },
        ],
      },
      { type: "actions", block_id: `toolgate_${summary.approvalRequestId}`, elements: actions },
    ],
  };
}

/** The same message after a decision: what was decided and by whom, and no buttons left to press. */
export function decidedBlocks(
  summary: RequestSummary,
  outcome: { status: string; by: string | null; comment: string | null; reason?: string | null },
): { text: string; blocks: Block[] } {
  const verb: Record<string, string> = {
    approved: "✅ Approved",
    denied: "❌ Denied",
    cancelled: "⏹ Closed (withdrawn or decided elsewhere)",
    expired: "⌛ Expired",
  };
  const line = outcome.reason
    ? `⏹ ${oneLine(outcome.reason)}`
    : `${verb[outcome.status] ?? oneLine(outcome.status)}${outcome.by ? ` by ${oneLine(outcome.by)}` : ""}${outcome.comment ? ` — “${oneLine(outcome.comment)}”` : ""}`;
  return {
    text: `${notificationText(headline(summary))} — ${notificationText(line)}`,
    blocks: [
      richText(section(bold(headline(summary)))),
      richText(section(text(line))),
      { type: "context", elements: [{ type: "plain_text", text: `${oneLine(summary.mspName)} · call ${summary.callId}` }] },
    ],
  };
}
