import type { Database } from "@/db";
import type { TicketSystem } from "@/db/schema";
import { ServiceError } from "../errors";
import { ticketRequesterEmail } from "../integrations/connectors/ticketing";
import { UpstreamError } from "../integrations/connectors/types";
import { openIntegrationSecrets } from "../integrations/credentials";
import { ticketingIntegration } from "./deliver/channels";

/**
 * Where a call names a ticket of a connected Jira or ConnectWise, the ticket decides who the
 * requester is: its reporter/contact. A different requester named by the agent is refused
 * (422 requester_mismatch); none named means the ticket's. Without a connected ticketing system the
 * requester stays "named by the agent". Runs before any transaction (it calls the ticketing API).
 */
export async function requesterFromTicket(
  db: Database,
  input: { workspaceId: string; clientId: string | null; ticket: { system: TicketSystem; id: string }; namedEmail: string | null },
): Promise<{ email: string | null; verified: boolean }> {
  const integration = await ticketingIntegration(db, input.workspaceId, input.ticket.system, input.clientId);
  if (!integration) return { email: input.namedEmail, verified: false };
  let reporter: string | null;
  try {
    reporter = await ticketRequesterEmail(
      { kind: input.ticket.system, config: integration.config, secrets: openIntegrationSecrets(integration) },
      input.ticket.id,
    );
  } catch (error) {
    if (error instanceof UpstreamError) {
      if (error.message.includes("404"))
        throw new ServiceError(
          "requester_mismatch",
          `The ticket ${input.ticket.id} does not exist in ${input.ticket.system}, so its requester cannot be confirmed.`,
        );
      throw new ServiceError("upstream_failed", `Could not confirm the ticket's requester: ${error.message}`);
    }
    throw error;
  }
  if (!reporter)
    throw new ServiceError(
      "requester_mismatch",
      `The ticket ${input.ticket.id} has no reporter or contact with an e-mail, so its requester cannot be confirmed.`,
    );
  if (input.namedEmail && input.namedEmail !== reporter) {
    throw new ServiceError(
      "requester_mismatch",
      `The requester named (${input.namedEmail}) is not the reporter/contact of ticket ${input.ticket.id}.`,
    );
  }
  return { email: reporter, verified: true };
}
