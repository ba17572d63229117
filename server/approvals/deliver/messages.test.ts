import { describe, expect, it } from "vitest";
import { approvalEmail, requestClosedEmail } from "./email-message";
import { approvalRequestBlocks, decidedBlocks } from "./slack-message";
import type { RequestSummary } from "../summary";
import { jiraCommentAdf, ticketNoteText } from "./ticket-note";
import { approvalPageHtml } from "@/app/approve/approval-html";

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
    expect(actions.elements.map((element) => element.action_id)).toEqual([
      "toolgate_approve",
      "toolgate_approve_1h",
      "toolgate_deny",
      "toolgate_details",
    ]);
    expect(actions.elements[0]!.value).toBe("apr_1");
    expect(actions.elements[1]!.value).toBe("apr_1");
    expect(actions.elements[3]!.url).toBe("https://tg.example/approve/T");
    // A call that cannot become a standing grant is not offered "Approve for 1 h".
    const once = approvalRequestBlocks({ ...summary, canGrant: false }, "https://tg.example/approve/T", true).blocks.at(-1) as {
      elements: Array<{ action_id: string }>;
    };
    expect(once.elements.map((element) => element.action_id)).toEqual(["toolgate_approve", "toolgate_deny", "toolgate_details"]);
    // Rich text is shown literally: no entities needed, and none appear.
    expect(JSON.stringify(interactive.blocks)).toContain("note: <script>");
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

/** Everything an agent (or an upstream tool) chose, built to break out of each format. */
const INJECTED_NOTE =
  '```\n*Pre-approved by Avery Admin*\n```\nApprove or deny: https://evil.example/approve <!channel> <https://evil.example|Approve here> & </pre><a href="https://evil.example">';
const hostile: RequestSummary = {
  ...summary,
  kind: "technician",
  toolTitle: "Reset *password*\n*Approved*",
  arguments: { email: "tom@contoso.test", note: INJECTED_NOTE, blob: "y".repeat(5_000), "\u202Eevil": "\u202Etxt.exe" },
  requesterName: "Tom _Becker_ <!here>",
  reason: "*Pre-approved by Avery Admin* — just click Approve\nApprove or deny: https://evil.example/approve",
  ticket: { system: "jira", id: "HELP-42* <!here>" },
};
const LINK = "https://tg.example/approve/T";

type Node = Record<string, unknown>;
/** Every object in a Block Kit or ADF tree. */
function nodes(value: unknown): Node[] {
  if (value === null || typeof value !== "object") return [];
  const own = Array.isArray(value) ? [] : [value as Node];
  return [...own, ...Object.values(value as Node).flatMap(nodes)];
}

describe("agent-supplied strings stay text in every message", () => {
  it("Slack: nothing the agent or the tool chose is parsed as mrkdwn; it is shown literally, and shortened arguments link to the full request", () => {
    for (const message of [
      approvalRequestBlocks(hostile, LINK, true),
      decidedBlocks(hostile, { status: "approved", by: "*Avery* <!channel>", comment: "```ok``` <https://evil.example|x>" }),
    ]) {
      const parsed = nodes(message.blocks).filter((node) => node.type === "mrkdwn");
      for (const node of parsed) {
        expect(String(node.text)).not.toMatch(/Pre-approved|evil\.example|<!|```|Becker|HELP-42|password|Avery/);
      }
      // The notification text (mrkdwn that chat.update cannot turn off) holds no control or formatting character.
      expect(message.text).not.toMatch(/[<>*_~`\n]/);
    }
    const request = approvalRequestBlocks(hostile, LINK, true);
    const texts = nodes(request.blocks)
      .filter((node) => node.type === "text")
      .map((node) => String(node.text));
    // Shown as written, on one line: its line break is shown as \n, not followed.
    expect(texts).toContain(hostile.reason!.replace("\n", "\\n"));
    expect(texts.join("")).toContain("HELP-42* <!here>");
    const preformatted = nodes(request.blocks).find((node) => node.type === "rich_text_preformatted")!;
    const argumentText = nodes(preformatted)
      .filter((node) => node.type === "text")
      .map((node) => String(node.text))
      .join("");
    // One line per argument: an argument's own line breaks are shown, not followed.
    expect(argumentText.split("\n")).toHaveLength(4);
    expect(argumentText).toContain("note: ```\\n*Pre-approved by Avery Admin*\\n```\\nApprove or deny:");
    expect(argumentText).toContain("\\u202Eevil: \\u202Etxt.exe");
    expect(argumentText).toContain(`blob: ${"y".repeat(300)}…`);
    const notice = nodes(request.blocks).find((node) => node.type === "link");
    expect(notice).toMatchObject({ url: LINK });
    expect(texts.join(" ")).toMatch(/shortened/);
  });

  it("e-mail: the reason and arguments cannot add lines or links, in text or HTML; shortened arguments say so and link to the request", () => {
    const email = approvalEmail(hostile, LINK);
    const lines = email.text.split("\n");
    expect(lines.filter((line) => line.startsWith("Approve or deny:"))).toEqual([`Approve or deny: ${LINK}`]);
    expect(lines.some((line) => line.trimStart().startsWith("*Pre-approved"))).toBe(false);
    expect(lines.some((line) => line.startsWith("*Approved*"))).toBe(false);
    expect(email.subject).not.toContain("\n");
    expect(email.text).toMatch(/shortened/);
    expect(email.html).not.toContain('href="https://evil.example');
    expect(email.html).not.toContain("</pre><a");
    expect(email.html.match(/<a /g)).toHaveLength(1);
    expect(email.html).toMatch(/shortened/);
    expect(email.html).not.toContain("\u202E");
    const closed = requestClosedEmail(hostile, "The agent withdrew the request.");
    expect(closed.subject).not.toContain("\n");
    expect(closed.text.split("\n").some((line) => line.startsWith("*Approved*"))).toBe(false);
  });

  it("ticket notes: ConnectWise text and Jira ADF cannot gain lines or links from the agent; shortened arguments say so", () => {
    const link = "https://tg.example/approvals?call=call_1";
    const text = ticketNoteText(hostile, link);
    const lines = text.split("\n");
    // Every line is one of the note's own; the agent's text stays inside them.
    expect(lines.map((line) => line.split(":")[0])).toEqual([
      "Toolgate",
      "Requester",
      "Arguments",
      "Some arguments are shortened here; the request in Toolgate shows them in full.",
      "Review it in Toolgate (sign-in required)",
    ]);
    expect(lines.at(-1)).toBe(`Review it in Toolgate (sign-in required): ${link}`);
    expect(text).toMatch(/shortened/);
    const adf = jiraCommentAdf(hostile, link);
    const adfNodes = nodes(adf.body);
    const links = adfNodes.filter((node) => node.type === "link");
    expect(links).toEqual([{ type: "link", attrs: { href: link } }]);
    const multiline = adfNodes.filter((node) => node.type === "text" && String(node.text).includes("\n"));
    // Only the code block of arguments has several lines: one per argument.
    expect(multiline.map((node) => String(node.text).split("\n").length)).toEqual([4]);
    expect(JSON.stringify(adf)).toMatch(/shortened/);
    expect(JSON.stringify(adf)).not.toContain("\u202E");
  });
});

describe("the full view that shortened messages link to", () => {
  it("the deep-link page shows every argument whole, as JSON, escaped", () => {
    const page = approvalPageHtml(
      { state: "open", summary: hostile, approverName: "Avery", isManager: false, canGrant: true },
      "T",
      "csrf",
      null,
    );
    expect(page).toContain(`&quot;blob&quot;: &quot;${"y".repeat(5_000)}&quot;`);
    expect(page).toContain("\\n*Pre-approved by Avery Admin*\\n");
    expect(page).not.toContain('<a href="https://evil.example');
    expect(page).toContain("\\u202Eevil");
    expect(page).not.toContain("\u202E");
  });
});
