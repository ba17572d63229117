import type { LinkView } from "@/server/approvals/deep-link";
import { argumentsJson, oneLine, votesLine, type RequestSummary } from "@/server/approvals/summary";
import { callStateLabel, cancelReasonLabel } from "@/server/calls/labels";
import { requesterSourceLabel } from "@/server/approvals/requester-source";

/**
 * The deep-link approval page as plain HTML: mobile-first, server-rendered, no JavaScript, so it
 * is fast on a slow phone connection and its status code (404/410/429) is exact. Every value is
 * escaped. The arguments are shown in full, as JSON: messages that shorten them link here.
 */
const STYLE = `*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#0f172a;background:#f8fafc}
main{max-width:560px;margin:0 auto;padding:20px 16px 40px}h1{font-size:1.35rem;line-height:1.3;margin:.25rem 0 1rem}
.msp{color:#1d5fd1;font-weight:600;font-size:.95rem}.card{background:#fff;border:1px solid #e2e8f0;border-radius:12px;padding:16px;margin:12px 0}
dl{margin:0}dt{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;color:#64748b;margin-top:10px}dd{margin:2px 0 0;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f1f5f9;border-radius:8px;padding:10px;font-size:.9rem;margin:4px 0 0}
.badge{display:inline-block;font-size:.75rem;border-radius:999px;padding:1px 8px;background:#fef3c7;color:#92400e}.badge.ok{background:#d1fae5;color:#065f46}
label{display:block;font-weight:600;margin:12px 0 4px}textarea{width:100%;min-height:80px;font:inherit;padding:10px;border:1px solid #cbd5e1;border-radius:8px}
.actions{display:grid;gap:10px;margin-top:14px}button{font:inherit;font-weight:600;min-height:52px;border-radius:10px;border:0;width:100%;cursor:pointer}
.approve{background:#15803d;color:#fff}.grant{background:#fff;color:#15803d;border:2px solid #15803d}.deny{background:#b91c1c;color:#fff}.neutral{background:#fff;color:#334155;border:1px solid #cbd5e1}
.state{font-size:1.1rem;font-weight:600}.muted{color:#64748b;font-size:.9rem}.desc{color:#334155;margin-top:4px}
details.confirm>summary{list-style:none;display:flex;align-items:center;justify-content:center;font-weight:600;min-height:52px;border-radius:10px;cursor:pointer}
details.confirm>summary::-webkit-details-marker{display:none}details.confirm[open]>summary{opacity:.6}details.confirm p{margin:10px 0}`;

export const escapeHtml = (value: unknown) =>
  String(value ?? "").replace(/[&<>"']/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char]!);

function shell(title: string, msp: string | null, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><meta name="referrer" content="same-origin"><title>${escapeHtml(title)} · Toolgate</title><style>${STYLE}</style></head><body><main><p class="msp">${escapeHtml(msp ?? "Toolgate")}</p>${body}</main></body></html>`;
}

/** A tool's description as plain words: one line, at most 300 characters. */
function plainDescription(description: string | null | undefined): string | null {
  const text = oneLine((description ?? "").replace(/\s+/g, " ").trim());
  if (!text) return null;
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

/**
 * The request's details. `heading` is "What will run" only while it still may run; a denied,
 * withdrawn or expired request is headed "What was asked". The requester's source is said once, as a badge.
 */
function details(summary: RequestSummary, heading = "What will run"): string {
  const who = summary.requesterName ? `${summary.requesterName} <${summary.requesterEmail}>` : summary.requesterEmail;
  const requester = summary.requesterEmail
    ? `${escapeHtml(oneLine(who ?? ""))}${summary.clientName ? ` — ${escapeHtml(summary.clientName)}` : ""} <span class="${summary.requesterSource === "verified_by_ticket" ? "badge ok" : "badge"}">${escapeHtml(requesterSourceLabel(summary.requesterSource))}</span>`
    : "No requester named";
  const description = plainDescription(summary.toolDescription);
  return `<div class="card"><dl>
<dt>${escapeHtml(heading)}</dt><dd><strong>${escapeHtml(summary.toolTitle)}</strong> <span class="muted">(${escapeHtml(summary.toolName)})</span> on ${escapeHtml(summary.integrationName)}</dd>
${description ? `<dd class="desc" data-testid="tool-description">${escapeHtml(description)}</dd>` : ""}
<dt>For</dt><dd>${requester}</dd>
<dt>Asked by</dt><dd>${escapeHtml(summary.agentName)}${summary.ticket ? ` · ticket ${escapeHtml(summary.ticket.system)} ${escapeHtml(summary.ticket.id)}` : ""}</dd>
${summary.reason ? `<dt>Reason given</dt><dd>${escapeHtml(summary.reason)}</dd>` : ""}
${summary.decidingRule ? `<dt>Why approval is needed</dt><dd>${escapeHtml(oneLine(summary.decidingRule))}</dd>` : ""}
<dt>Exactly these arguments</dt><dd><pre>${escapeHtml(argumentsJson(summary.arguments))}</pre></dd>
</dl></div>`;
}

const STILL_RUNS = new Set(["pending_approval", "approved", "executing", "succeeded"]);

/** The heading of a request that can no longer be decided from this link. */
function closedHeading(view: Extract<LinkView, { state: "closed" }>): string {
  if (view.requestStatus === "cancelled" && !view.decidedBy) {
    if (view.callStatus === "cancelled") {
      const reason = cancelReasonLabel(view.callErrorCode);
      return view.callErrorCode === "cancelled" ? "The agent withdrew this request" : `Cancelled${reason ? ` — ${reason}` : ""}`;
    }
    if (view.callStatus === "denied") return "Closed — someone else denied the call";
    if (view.callStatus === "expired") return "Closed — the request expired";
  }
  const decided = `${STATUS_WORDS[view.requestStatus] ?? view.requestStatus}${view.decidedBy ? ` by ${view.decidedBy}` : ""}`;
  const votes = votesLine(view.summary.technicianVotes);
  // Your approval counted, and the two-person rule still waits for another technician.
  if (view.requestStatus === "pending" && votes) return `You approved — ${votes}; waiting for another technician`;
  if (view.requestStatus === "approved" && view.callStatus === "pending_approval" && view.waitingFor.length)
    return `${decided} — now waiting for ${view.waitingFor.map((kind) => (kind === "manager" ? "the manager" : "a technician")).join(" and ")}`;
  return decided;
}

const STATUS_WORDS: Record<string, string> = {
  approved: "Approved",
  denied: "Denied",
  cancelled: "Closed",
  expired: "Expired",
  pending: "Waiting",
};

export function approvalPageHtml(view: LinkView, token: string, csrf: string, notice: string | null): string {
  switch (view.state) {
    case "unknown":
      return shell(
        "Link not valid",
        null,
        "<h1>This approval link is not valid</h1><p>Check that the whole link was opened. If it came from an old message, ask the MSP for a new one.</p>",
      );
    case "rate_limited":
      return shell(
        "Too many attempts",
        null,
        "<h1>Too many invalid links</h1><p>This address opened too many invalid approval links. Wait a minute, then open your link again.</p>",
      );
    case "expired":
      return shell(
        "Link expired",
        view.summary.mspName,
        `<h1>This request has expired</h1><p>Nobody needs to do anything: the call did not run. If it is still needed, the agent can ask again.</p>${details(view.summary, "What was asked")}`,
      );
    case "closed": {
      return shell(
        "Decided",
        view.summary.mspName,
        `<h1>${escapeHtml(closedHeading(view))}</h1>${notice ? `<p class="state">${escapeHtml(notice)}</p>` : ""}${view.comment ? `<p>“${escapeHtml(view.comment)}”</p>` : ""}
<p class="muted">The call is now ${escapeHtml(callStateLabel({ status: view.callStatus, errorCode: view.callErrorCode }).toLowerCase())}. This link cannot change the decision.${view.decidedAt ? ` Decided ${escapeHtml(view.decidedAt.toISOString().replace("T", " ").slice(0, 16))} UTC.` : ""}</p>${details(view.summary, STILL_RUNS.has(view.callStatus) ? "What will run" : "What was asked")}`,
      );
    }
    case "open": {
      const { summary } = view;
      return shell(
        "Approval needed",
        summary.mspName,
        `<h1>${escapeHtml(summary.agentName)} asks to run “${escapeHtml(summary.toolTitle)}”${summary.requesterName ? ` for ${escapeHtml(summary.requesterName)}` : ""}</h1>
<p class="muted">Hello ${escapeHtml(view.approverName)}: ${view.isManager ? "you are asked as the requester's manager." : "you are asked as a technician."} Nothing happens until you choose.</p>
${notice ? `<p class="state">${escapeHtml(notice)}</p>` : ""}${votesLine(summary.technicianVotes) ? `<p class="state" data-testid="votes">${escapeHtml(votesLine(summary.technicianVotes)!)}: it needs ${summary.technicianVotes!.required} different technicians.</p>` : ""}${details(summary)}
<form method="post" action="/api/gateway/approvals/decide" class="card">
<input type="hidden" name="token" value="${escapeHtml(token)}"><input type="hidden" name="csrf" value="${escapeHtml(csrf)}">
<label for="comment">Comment (optional)</label><textarea id="comment" name="comment" maxlength="1000"></textarea>
<div class="actions"><button class="approve" type="submit" name="decision" value="approve">Approve</button>
${view.canGrant ? `<button class="grant" type="submit" name="decision" value="approve_for_1h">Approve for 1 h</button><p class="muted">Approve for 1 h also lets ${escapeHtml(summary.agentName)} run exactly this again — same tool, same arguments${summary.requesterSource === "verified_by_ticket" ? ", same requester" : ""} — for one hour without asking${view.isManager ? ", if the technician allows it too" : ""}. It can be revoked under Grants.</p>` : ""}
<details class="confirm"><summary class="deny">Deny…</summary><p>Deny this request? The call will not run, and the agent is told.</p>
<button class="deny" type="submit" name="decision" value="deny">Yes, deny it</button></details>
${
  view.isManager
    ? `<details class="confirm"><summary class="neutral">Not my report…</summary><p>${escapeHtml(summary.requesterName ?? "The requester")} does not report to you? The call is denied and the MSP is asked to fix its directory.</p>
<button class="neutral" type="submit" name="decision" value="not_my_report">Yes, not my report</button></details>`
    : ""
}</div>
</form>`,
      );
    }
  }
}
