import { argumentPreview, headline, requesterLine, type RequestSummary } from "../summary";

/** Ticket notes are read on narrow screens between other people's notes: values are cut shorter. */
const NOTE_VALUE_CHARS = 120;
const SHORTENED = "Some arguments are shortened here; the request in Toolgate shows them in full.";

/**
 * A note on the ticket (visible to other people): it says what is asked and links to the request
 * in Toolgate, which requires sign-in — never a token that approves by itself. ConnectWise shows it
 * as plain text: every agent- or tool-supplied string is one line (oneLine), so it cannot add a
 * line that reads like Toolgate's own ("Approved by …").
 */
export function ticketNoteText(summary: RequestSummary, signedInLink: string): string {
  const preview = argumentPreview(summary.arguments, { maxValue: NOTE_VALUE_CHARS });
  return [
    `Toolgate: ${headline(summary)} — waiting for technician approval.`,
    `Requester: ${requesterLine(summary)}`,
    `Arguments: ${preview.lines.join("; ")}`,
    ...(preview.shortened ? [SHORTENED] : []),
    `Review it in Toolgate (sign-in required): ${signedInLink}`,
  ].join("\n");
}

/**
 * The same note as a Jira comment body in Atlassian Document Format. ADF text nodes are literal
 * (no wiki markup is parsed in them); the only link is Toolgate's, as a link mark, and the only
 * text with line breaks is the code block of arguments, one line per argument.
 */
export function jiraCommentAdf(summary: RequestSummary, signedInLink: string) {
  const preview = argumentPreview(summary.arguments, { maxValue: NOTE_VALUE_CHARS });
  return {
    body: {
      type: "doc",
      version: 1,
      content: [
        {
          type: "paragraph",
          content: [
            { type: "text", text: `Toolgate: ${headline(summary)} — waiting for technician approval.`, marks: [{ type: "strong" }] },
          ],
        },
        { type: "paragraph", content: [{ type: "text", text: `Requester: ${requesterLine(summary)}` }] },
        { type: "codeBlock", content: [{ type: "text", text: preview.lines.join("\n") }] },
        ...(preview.shortened ? [{ type: "paragraph", content: [{ type: "text", text: SHORTENED, marks: [{ type: "em" }] }] }] : []),
        {
          type: "paragraph",
          content: [
            { type: "text", text: "Review it in Toolgate (sign-in required): " },
            { type: "text", text: signedInLink, marks: [{ type: "link", attrs: { href: signedInLink } }] },
          ],
        },
      ],
    },
  };
}
