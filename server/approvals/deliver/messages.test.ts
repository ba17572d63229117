import { describe, expect, it } from "vitest";
import { approvalEmail } from "./email-message";
import { approvalRequestBlocks, decidedBlocks } from "./slack-message";
import type { RequestSummary } from "./request-summary";
import { jiraCommentAdf, ticketNoteText } from "./ticket-note";

const summary: RequestSummary = {
  mspName: "Northwind IT",
  callId: "call_1",
  approvalRequestId: "apr_1",
  kind: "manager",
  toolTitle: "Reset password",
  toolName: "reset_password",
  integrationName: "Contoso directory",
  clientName: "Contoso Dental",
  agentName: "Helpdesk agent",
  arguments: { email: "tom@contoso.test", notify: true, note: "<script>" },
  requesterName: "Tom Becker",
  requesterEmail: "tom@contoso.test",
  requesterSource: "named_by_agent",
  reason: "Locked out after holiday",
  ticket: { system: "jira", id: "HELP-42" },
  expiresAt: new Date("2026-11-25T10:00:00Z"),
};

describe("approval message builders", () => {
  it("builds Slack action buttons when interactive, link buttons otherwise, escaping text", () => {
    const interactive = approvalRequestBlocks(summary, "https://tg.example/approve/T", true);
    const actions = interactive.blocks.at(-1) as { elements: Array<{ action_id: string; value?: string; url?: string }> };
    expect(actions.elements.map((element) => element.action_id)).toEqual(["toolgate_approve", "toolgate_deny", "toolgate_details"]);
    expect(actions.elements[0]!.value).toBe("apr_1");
    expect(actions.elements[2]!.url).toBe("https://tg.example/approve/T");
    expect(JSON.stringify(interactive.blocks)).toContain("note: &lt;script&gt;");
    expect(JSON.stringify(interactive.blocks)).toContain("named by the agent");
    const links = approvalRequestBlocks(summary, "https://tg.example/approve/T", false).blocks.at(-1) as {
      elements: Array<{ url?: string; value?: string }>;
    };
    expect(links.elements.every((element) => element.url === "https://tg.example/approve/T" && element.value === undefined)).toBe(true);
  });

  it("replaces buttons with who decided what once decided", () => {
    const decided = decidedBlocks(summary, { status: "denied", by: "Avery", comment: "not today" });
    expect(decided.text).toContain("❌ Denied by Avery — “not today”");
    expect(JSON.stringify(decided.blocks)).not.toContain("toolgate_approve");
  });

  it("writes the manager's e-mail in text and HTML with the deep link, escaping HTML", () => {
    const email = approvalEmail(summary, "https://tg.example/approve/T");
    expect(email.subject).toBe("Approval needed: Reset password for Tom Becker");
    expect(email.text).toContain("Approve or deny: https://tg.example/approve/T");
    expect(email.text).toContain("email: tom@contoso.test");
    expect(email.html).toContain('href="https://tg.example/approve/T"');
    expect(email.html).toContain("note: &lt;script&gt;");
    expect(email.html).not.toContain("<script>");
  });

  it("puts a sign-in link, never a deep-link token, on tickets", () => {
    const text = ticketNoteText(summary, "https://tg.example/approvals?call=call_1");
    expect(text).toContain("sign-in required): https://tg.example/approvals?call=call_1");
    expect(text).not.toContain("/approve/");
    const adf = jiraCommentAdf(summary, "https://tg.example/approvals?call=call_1");
    expect(adf.body.type).toBe("doc");
    expect(JSON.stringify(adf)).toContain('"href":"https://tg.example/approvals?call=call_1"');
  });
});
