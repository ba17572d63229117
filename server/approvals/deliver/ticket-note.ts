import { argumentLines, headline, requesterLine, type RequestSummary } from "./request-summary";

/**
 * A note on the ticket (visible to other people): it says what is asked and links to the request
 * in Toolgate, which requires sign-in — never a token that approves by itself.
 */
export function ticketNoteText(summary: RequestSummary, signedInLink: string): string {
  return [
    `Toolgate: ${headline(summary)} — waiting for technician approval.`,
    `Requester: ${requesterLine(summary)}`,
    `Arguments: ${argumentLines(summary.arguments, 120).join("; ")}`,
    `Review it in Toolgate (sign-in required): ${signedInLink}`,
  ].join("\n");
}

/** The same note as a Jira comment body in Atlassian Document Format. */
export function jiraCommentAdf(summary: RequestSummary, signedInLink: string) {
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
        { type: "codeBlock", content: [{ type: "text", text: argumentLines(summary.arguments, 120).join("\n") }] },
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
