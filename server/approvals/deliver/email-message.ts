import { argumentLines, headline, requesterLine, type RequestSummary } from "./request-summary";

const html = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The manager's e-mail: plain text and HTML, the request in full and one link to decide. */
export function approvalEmail(summary: RequestSummary, link: string): { subject: string; text: string; html: string } {
  const subject = `Approval needed: ${summary.toolTitle}${summary.requesterName ? ` for ${summary.requesterName}` : ""}`;
  const details = [
    `Tool: ${summary.toolTitle} (${summary.toolName}) on ${summary.integrationName}${summary.clientName ? ` — ${summary.clientName}` : ""}`,
    `Requester: ${requesterLine(summary)}`,
    `Asked by: ${summary.agentName}${summary.ticket ? ` (ticket ${summary.ticket.system} ${summary.ticket.id})` : ""}`,
    ...(summary.reason ? [`Reason: ${summary.reason}`] : []),
    "Arguments:",
    ...argumentLines(summary.arguments).map((line) => `  ${line}`),
  ];
  const text = [
    `${headline(summary)}.`,
    "",
    `${summary.mspName} asks for your approval${summary.kind === "manager" ? " as the requester's manager" : ""}:`,
    "",
    ...details,
    "",
    `Approve or deny: ${link}`,
    `This link is for you only and expires ${summary.expiresAt.toISOString().replace("T", " ").slice(0, 16)} UTC. Opening it does not decide anything.`,
    `Reference: ${summary.callId}`,
  ].join("\n");
  const body = `<!doctype html><html><body style="font-family:system-ui,sans-serif;font-size:16px;color:#0f172a;max-width:560px">
<p><strong>${html(headline(summary))}</strong></p>
<p>${html(summary.mspName)} asks for your approval${summary.kind === "manager" ? " as the requester's manager" : ""}.</p>
<ul>${details
    .filter((line) => line !== "Arguments:" && !line.startsWith("  "))
    .map((line) => `<li>${html(line)}</li>`)
    .join("")}</ul>
<p><strong>Arguments</strong></p><pre style="background:#f1f5f9;padding:8px;white-space:pre-wrap">${html(argumentLines(summary.arguments).join("\n"))}</pre>
<p><a href="${html(link)}" style="display:inline-block;background:#1d5fd1;color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none">Review and decide</a></p>
<p style="color:#64748b;font-size:13px">This link is for you only and expires ${html(summary.expiresAt.toISOString().replace("T", " ").slice(0, 16))} UTC. Opening it does not decide anything. Reference: ${html(summary.callId)}</p>
</body></html>`;
  return { subject, text, html: body };
}

/** The follow-up when a request the approver was e-mailed about will not run: it no longer needs them. */
export function requestClosedEmail(summary: RequestSummary, reason: string): { subject: string; text: string; html: string } {
  const subject = `No longer needed: ${summary.toolTitle}${summary.requesterName ? ` for ${summary.requesterName}` : ""}`;
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
