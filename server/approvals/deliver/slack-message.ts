import { argumentLines, headline, requesterLine, type RequestSummary } from "./request-summary";

type Block = Record<string, unknown>;
const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * The Block Kit DM asking for a decision. With a signing secret (interactivity pointed at
 * /api/slack/interactions) Approve and Deny are action buttons plus a Details link; without one
 * they are links to the deep-link page, where the decision is made.
 */
export function approvalRequestBlocks(summary: RequestSummary, link: string, interactive: boolean): { text: string; blocks: Block[] } {
  const fields = [
    `*Tool:* ${escape(summary.toolTitle)} (\`${escape(summary.toolName)}\`)`,
    `*Integration:* ${escape(summary.integrationName)}${summary.clientName ? ` — ${escape(summary.clientName)}` : ""}`,
    `*Requester:* ${escape(requesterLine(summary))}`,
    `*Agent:* ${escape(summary.agentName)}`,
    ...(summary.ticket ? [`*Ticket:* ${escape(summary.ticket.system)} ${escape(summary.ticket.id)}`] : []),
  ];
  const actions: Block[] = interactive
    ? [
        {
          type: "button",
          action_id: "toolgate_approve",
          text: { type: "plain_text", text: "Approve" },
          style: "primary",
          value: summary.approvalRequestId,
        },
        {
          type: "button",
          action_id: "toolgate_deny",
          text: { type: "plain_text", text: "Deny" },
          style: "danger",
          value: summary.approvalRequestId,
        },
        { type: "button", action_id: "toolgate_details", text: { type: "plain_text", text: "Details" }, url: link },
      ]
    : [
        { type: "button", action_id: "toolgate_open_approve", text: { type: "plain_text", text: "Approve" }, style: "primary", url: link },
        { type: "button", action_id: "toolgate_open_deny", text: { type: "plain_text", text: "Deny" }, style: "danger", url: link },
      ];
  return {
    text: `${headline(summary)} — approval needed`,
    blocks: [
      { type: "header", text: { type: "plain_text", text: `${summary.kind === "manager" ? "Manager" : "Technician"} approval needed` } },
      { type: "section", text: { type: "mrkdwn", text: `*${escape(headline(summary))}*` } },
      { type: "section", fields: fields.map((text) => ({ type: "mrkdwn", text })) },
      {
        type: "section",
        text: { type: "mrkdwn", text: `*Arguments*\n\`\`\`${escape(argumentLines(summary.arguments).join("\n"))}\`\`\`` },
      },
      ...(summary.reason ? [{ type: "section", text: { type: "mrkdwn", text: `*Reason given:* ${escape(summary.reason)}` } }] : []),
      {
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text: `${escape(summary.mspName)} · call ${summary.callId} · expires ${summary.expiresAt.toISOString().replace("T", " ").slice(0, 16)} UTC`,
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
    ? `⏹ ${escape(outcome.reason)}`
    : `${verb[outcome.status] ?? outcome.status}${outcome.by ? ` by ${escape(outcome.by)}` : ""}${outcome.comment ? ` — “${escape(outcome.comment)}”` : ""}`;
  return {
    text: `${headline(summary)} — ${line}`,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${escape(headline(summary))}*` } },
      { type: "section", text: { type: "mrkdwn", text: line } },
      { type: "context", elements: [{ type: "mrkdwn", text: `${escape(summary.mspName)} · call ${summary.callId}` }] },
    ],
  };
}
