import type { ReactNode } from "react";
import type { LinkView } from "@/server/approvals/deep-link";
import { argumentLines, requesterLine, type RequestSummary } from "@/server/approvals/deliver/request-summary";

/** Mobile-first, server-rendered, no JavaScript: the page works on a slow phone connection. */
const STYLE = `
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#0f172a;background:#f8fafc}
main{max-width:560px;margin:0 auto;padding:20px 16px 40px}h1{font-size:1.35rem;line-height:1.3;margin:.25rem 0 1rem}
.msp{color:#1d5fd1;font-weight:600;font-size:.95rem}.card{background:#fff;border:1px solid #e2e8f0;border-radius:12px;padding:16px;margin:12px 0}
dl{margin:0}dt{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;color:#64748b;margin-top:10px}dd{margin:2px 0 0;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f1f5f9;border-radius:8px;padding:10px;font-size:.9rem;margin:4px 0 0}
.badge{display:inline-block;font-size:.75rem;border-radius:999px;padding:1px 8px;background:#fef3c7;color:#92400e}.badge.ok{background:#d1fae5;color:#065f46}
label{display:block;font-weight:600;margin:12px 0 4px}textarea{width:100%;min-height:80px;font:inherit;padding:10px;border:1px solid #cbd5e1;border-radius:8px}
.actions{display:grid;gap:10px;margin-top:14px}button{font:inherit;font-weight:600;min-height:52px;border-radius:10px;border:0;width:100%;cursor:pointer}
.approve{background:#15803d;color:#fff}.deny{background:#b91c1c;color:#fff}.neutral{background:#fff;color:#334155;border:1px solid #cbd5e1}
.state{font-size:1.1rem;font-weight:600}.muted{color:#64748b;font-size:.9rem}`;

function Shell({ title, msp, children }: { title: string; msp: string | null; children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${title} · Toolgate`}</title>
        <style dangerouslySetInnerHTML={{ __html: STYLE }} />
      </head>
      <body>
        <main>
          <p className="msp">{msp ?? "Toolgate"}</p>
          {children}
        </main>
      </body>
    </html>
  );
}

function Details({ summary }: { summary: RequestSummary }) {
  return (
    <div className="card">
      <dl>
        <dt>What will run</dt>
        <dd>
          <strong>{summary.toolTitle}</strong> <span className="muted">({summary.toolName})</span> on {summary.integrationName}
        </dd>
        <dt>For</dt>
        <dd>
          {summary.requesterEmail ? requesterLine(summary) : "No requester named"}
          {summary.clientName ? ` — ${summary.clientName}` : ""}{" "}
          {summary.requesterEmail ? (
            <span className={summary.requesterVerified ? "badge ok" : "badge"}>
              {summary.requesterVerified ? "verified by ticket" : "named by the agent"}
            </span>
          ) : null}
        </dd>
        <dt>Asked by</dt>
        <dd>
          {summary.agentName}
          {summary.ticket ? ` · ticket ${summary.ticket.system} ${summary.ticket.id}` : ""}
        </dd>
        {summary.reason ? (
          <>
            <dt>Reason given</dt>
            <dd>{summary.reason}</dd>
          </>
        ) : null}
        <dt>Exactly these arguments</dt>
        <dd>
          <pre>{argumentLines(summary.arguments, 2_000).join("\n")}</pre>
        </dd>
      </dl>
    </div>
  );
}

const STATUS_WORDS: Record<string, string> = {
  approved: "Approved",
  denied: "Denied",
  cancelled: "Closed",
  expired: "Expired",
  pending: "Waiting",
};

export function ApprovalDocument({ view, token, csrf, notice }: { view: LinkView; token: string; csrf: string; notice: string | null }) {
  if (view.state === "unknown") {
    return (
      <Shell title="Link not valid" msp={null}>
        <h1>This approval link is not valid</h1>
        <p>Check that the whole link was opened. If it came from an old message, ask the MSP for a new one.</p>
      </Shell>
    );
  }
  if (view.state === "rate_limited") {
    return (
      <Shell title="Too many attempts" msp={null}>
        <h1>Too many invalid links</h1>
        <p>This address opened too many invalid approval links. Wait a minute, then open your link again.</p>
      </Shell>
    );
  }
  const { summary } = view;
  if (view.state === "expired") {
    return (
      <Shell title="Link expired" msp={summary.mspName}>
        <h1>This request has expired</h1>
        <p>Nobody needs to do anything: the call did not run. If it is still needed, the agent can ask again.</p>
        <Details summary={summary} />
      </Shell>
    );
  }
  if (view.state === "closed") {
    const withdrawn = view.callStatus === "cancelled" && view.requestStatus === "cancelled" && !view.decidedBy;
    return (
      <Shell title="Decided" msp={summary.mspName}>
        <h1>
          {withdrawn
            ? "The agent withdrew this request"
            : `${STATUS_WORDS[view.requestStatus] ?? view.requestStatus}${view.decidedBy ? ` by ${view.decidedBy}` : ""}`}
        </h1>
        {notice ? <p className="state">{notice}</p> : null}
        {view.comment ? <p>“{view.comment}”</p> : null}
        <p className="muted">
          The call is now {view.callStatus.replace("_", " ")}. This link cannot change the decision.
          {view.decidedAt ? ` Decided ${view.decidedAt.toISOString().replace("T", " ").slice(0, 16)} UTC.` : ""}
        </p>
        <Details summary={summary} />
      </Shell>
    );
  }
  return (
    <Shell title="Approval needed" msp={summary.mspName}>
      <h1>
        {summary.agentName} asks to run “{summary.toolTitle}”{summary.requesterName ? ` for ${summary.requesterName}` : ""}
      </h1>
      <p className="muted">
        Hello {view.approverName}: {view.isManager ? "you are asked as the requester's manager." : "you are asked as a technician."} Nothing
        happens until you choose.
      </p>
      {notice ? <p className="state">{notice}</p> : null}
      <Details summary={summary} />
      <form method="post" action="/api/gateway/approvals/decide" className="card">
        <input type="hidden" name="token" value={token} />
        <input type="hidden" name="csrf" value={csrf} />
        <label htmlFor="comment">Comment (optional)</label>
        <textarea id="comment" name="comment" maxLength={1000} />
        <div className="actions">
          <button className="approve" type="submit" name="decision" value="approve">
            Approve
          </button>
          <button className="deny" type="submit" name="decision" value="deny">
            Deny
          </button>
          {view.isManager ? (
            <button className="neutral" type="submit" name="decision" value="not_my_report">
              Not my report
            </button>
          ) : null}
        </div>
      </form>
    </Shell>
  );
}
