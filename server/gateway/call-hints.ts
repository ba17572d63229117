import { TICKET_SYSTEMS, type RequesterSource, type TicketSystem } from "@/db/schema";
import { ServiceError } from "../errors";

import { REQUESTER_ARGUMENT } from "./requester-argument";

export { REQUESTER_ARGUMENT };

/**
 * What an agent's HTTP headers say about a call: `Toolgate-Requester`, `Toolgate-Ticket: jira:HELP-42`,
 * `Toolgate-Reason`, and `Toolgate-Mode: plan` (this request is in plan mode).
 */
export type CallHeaders = {
  requester: string | null;
  ticket: { system: TicketSystem; id: string } | null;
  reason: string | null;
  mode?: "plan" | null;
};

/** Reads the agent's call headers, saying in words what is wrong with a malformed one. */
export function callHeadersOf(headers: Headers): CallHeaders {
  const requester = headers.get("toolgate-requester")?.trim() || null;
  const reason = headers.get("toolgate-reason")?.trim() || null;
  const ticketHeader = headers.get("toolgate-ticket")?.trim() || null;
  let ticket: CallHeaders["ticket"] = null;
  if (ticketHeader) {
    const match = ticketHeader.match(/^([a-z]+):(.{1,100})$/);
    if (!match || !(TICKET_SYSTEMS as readonly string[]).includes(match[1]!))
      throw new ServiceError(
        "invalid_input",
        `The Toolgate-Ticket header must look like "jira:HELP-42" or "connectwise:12345" (got "${ticketHeader.slice(0, 60)}").`,
      );
    ticket = { system: match[1] as TicketSystem, id: match[2]! };
  }
  if (reason && reason.length > 2_000)
    throw new ServiceError("invalid_input", "The Toolgate-Reason header may be at most 2,000 characters.");
  const mode = headers.get("toolgate-mode")?.trim().toLowerCase() || null;
  if (mode !== null && mode !== "plan")
    throw new ServiceError("invalid_input", `The Toolgate-Mode header may only be "plan" (got "${mode.slice(0, 40)}").`);
  return { requester, ticket, reason, mode };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The requester the caller names, and how it is known. Sources in order of precedence: the body
 * (or MCP `_meta`), a `Toolgate-Requester` header — both the agent's own code — then the reserved
 * argument the model filled in. Two sources that name different people are refused
 * (400 requester_conflict): a model steered by text in a ticket must not override the agent's code
 * silently. (A connected ticket, checked afterwards, decides over all of them.)
 */
export function namedRequester(sources: {
  body: string | null;
  header: string | null;
  argument: string | null;
}): { email: string; source: Exclude<RequesterSource, "verified_by_ticket"> } | null {
  const named = [
    { email: sources.body, source: "named_by_agent" as const, where: "the request body" },
    { email: sources.header, source: "named_by_agent" as const, where: "the Toolgate-Requester header" },
    { email: sources.argument, source: "named_by_model" as const, where: `the ${REQUESTER_ARGUMENT} argument` },
  ].flatMap((entry) => (entry.email ? [{ ...entry, email: entry.email.trim().toLowerCase() }] : []));
  for (const entry of named)
    if (!EMAIL.test(entry.email) || entry.email.length > 320)
      throw new ServiceError(
        "invalid_input",
        `The requester in ${entry.where} must be an e-mail address (got "${entry.email.slice(0, 80)}").`,
      );
  const first = named[0];
  if (!first) return null;
  const disagreeing = named.find((entry) => entry.email !== first.email);
  if (disagreeing)
    throw new ServiceError(
      "requester_conflict",
      `Two different requesters were named: ${first.email} in ${first.where} and ${disagreeing.email} in ${disagreeing.where}. Name one.`,
    );
  return { email: first.email, source: first.source };
}
