import type { MessageEscalation } from "./slack-message";
import { argumentPreview, headline, oneLine, requesterLine, ticketLine, type RequestSummary } from "../summary";

const html = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * The manager's e-mail: plain text and HTML, the request and one link to decide. Every string the
 * agent or the tool chose is one line (oneLine: it cannot add a fake "Approve or deny: …" line to
 * the text part) and HTML-escaped in the HTML part. Where the arguments are shortened, both parts
 * say so and point to the link, whose page shows them in full.
 */
export function approvalEmail(
  summary: RequestSummary,
  link: string,
  escalation?: MessageEscalation,
): { subject: string; text: string; html: string } {
  const subject = oneLine(
    `${escalation ? "Escalated, still unanswered" : "Approval needed"}: ${summary.toolTitle}${summary.requesterName ? ` for ${summary.requesterName}` : ""}`,
  );
  const preview = argumentPreview(summary.arguments);
  const details = [
    oneLine(
      `Tool: ${summary.toolTitle} (${summary.toolName}) on ${summary.integrationName}${summary.clientName ? ` — ${summary.clientName}` : ""}`,
    ),
    `Requester: ${requesterLine(summary)}`,
    `Asked by: ${oneLine(summary.agentName)}${summary.ticket ? ` (ticket ${ticketLine(summary.ticket)})` : ""}`,
    ...(summary.reason ? [`Reason: ${oneLine(summary.reason)}`] : []),
  ];
  const shortenedNote = "Some arguments are shortened here: the link below shows the request in full.";
  const expires = summary.expiresAt.toISOString().replace("T", " ").slice(0, 16);
  // An escalation links to the signed-in inbox: no token, so nothing personal about the link.
  const linkNote = escalation
    ? `Nobody has answered this request yet. Sign in to Toolgate to decide; the request expires ${expires} UTC.`
    : `This link is for you only and expires ${expires} UTC. Opening it does not decide anything.`;
  const text = [
    `${headline(summary)}.`,
    "",
    `${oneLine(summary.mspName)} asks for your approval${summary.kind === "manager" ? " as the requester's manager" : ""}:`,
    "",
    ...details,
    "Arguments:",
    ...preview.lines.map((line) => `  ${line}`),
    ...(preview.shortened ? [shortenedNote] : []),
    "",
    `Approve or deny: ${link}`,
    linkNote,
    `Reference: ${summary.callId}`,
  ].join("\n");
  const body = `<!doctype html><html><body style="font-family:system-ui,sans-serif;font-size:16px;color:#0f172a;max-width:560px">
<p><strong>${html(headline(summary))}</strong></p>
<p>${html(oneLine(summary.mspName))} asks for your approval${summary.kind === "manager" ? " as the requester's manager" : ""}.</p>
<ul>${details.map((line) => `<li>${html(line)}</li>`).join("")}</ul>
<p><strong>Arguments</strong></p><pre style="background:#f1f5f9;padding:8px;white-space:pre-wrap">${html(preview.lines.join("\n"))}</pre>
${preview.shortened ? `<p><em>${html(shortenedNote)}</em></p>` : ""}
<p><a href="${html(link)}" style="display:inline-block;background:#1d5fd1;color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none">Review and decide</a></p>
<p style="color:#64748b;font-size:13px">${html(linkNote)} Reference: ${html(summary.callId)}</p>
</body></html>`;
  return { subject, text, html: body };
}

/** The follow-up when a request the approver was e-mailed about will not run: it no longer needs them. */
export function requestClosedEmail(summary: RequestSummary, reason: string): { subject: string; text: string; html: string } {
  const subject = oneLine(`No longer needed: ${summary.toolTitle}${summary.requesterName ? ` for ${summary.requesterName}` : ""}`);
  const text = [
    `${headline(summary)}.`,
    "",
    `${reason} Nothing will run, and your link no longer decides anything.`,
    "",
    `Reference: ${summary.callId}`,
  ].join("\n");
  const body = `<!doctype html><html><body style="font-family:system-ui,sans-serif;font-size:16px;color:#0f172a;max-width:560px">
<p><strong>${html(headline(summary))}</strong></p>
<p>${html(reason)} Nothing will run, and your link no longer decides anything.</p>
<p style="color:#64748b;font-size:13px">Reference: ${html(summary.callId)}</p>
</body></html>`;
  return { subject, text, html: body };
}
