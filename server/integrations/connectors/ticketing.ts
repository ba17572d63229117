import type { IntegrationConfig } from "@/db/schema";
import { outboundFetch } from "../../net/outbound-fetch";
import { UpstreamError, type IntegrationSecrets } from "./types";

/** Jira Cloud REST v3 and ConnectWise Manage REST, as far as Toolgate needs them. */
export type TicketingTarget = { kind: "jira" | "connectwise"; config: IntegrationConfig; secrets: IntegrationSecrets };

const base = (config: IntegrationConfig) => (config.siteUrl ?? "").replace(/\/+$/, "");

function headers(target: TicketingTarget): Record<string, string> {
  if (target.kind === "jira") {
    return {
      authorization: `Basic ${Buffer.from(`${target.config.accountEmail ?? ""}:${target.secrets.apiToken ?? ""}`).toString("base64")}`,
      accept: "application/json",
      "content-type": "application/json",
    };
  }
  return {
    authorization: `Basic ${Buffer.from(`${target.config.companyId ?? ""}+${target.secrets.publicKey ?? ""}:${target.secrets.privateKey ?? ""}`).toString("base64")}`,
    clientId: target.config.clientId ?? "",
    accept: "application/json",
    "content-type": "application/json",
  };
}

const cwApi = (config: IntegrationConfig) => `${base(config)}/v4_6_release/apis/3.0`;

async function request(target: TicketingTarget, path: string, init: RequestInit = {}): Promise<unknown> {
  const url = `${target.kind === "jira" ? base(target.config) : cwApi(target.config)}${path}`;
  let response: Response;
  try {
    response = await outboundFetch(url, { ...init, headers: headers(target), redirect: "manual", signal: AbortSignal.timeout(15_000) });
  } catch (error) {
    // fetch says only "fetch failed"; the cause says why (a refused address, DNS, a refused connection).
    const cause = (error as { cause?: Error }).cause?.message ?? (error as Error).message;
    throw new UpstreamError(`Could not reach ${new URL(url).host}: ${cause}`, "unreachable");
  }
  const name = target.kind === "jira" ? "Jira" : "ConnectWise";
  if (response.status === 401 || response.status === 403)
    throw new UpstreamError(`${name} refused the credentials (HTTP ${response.status}).`, "unauthorized");
  if (response.status === 404)
    throw new UpstreamError(
      `${name} has no ${path.includes("issue") || path.includes("ticket") ? "such ticket" : "such resource"} (HTTP 404).`,
      "refused",
    );
  if (response.status === 429) throw new UpstreamError(`${name} is rate-limiting requests.`, "refused");
  if (!response.ok) throw new UpstreamError(`${name} answered HTTP ${response.status}.`, "refused");
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes("json"))
    throw new UpstreamError(`${name} answered ${type || "without a content type"}, not JSON: check the site URL.`, "not_mcp");
  return response.json();
}

/** Checks the credentials (Jira: /myself; ConnectWise: /system/info). */
export async function testTicketing(target: TicketingTarget): Promise<void> {
  await request(target, target.kind === "jira" ? "/rest/api/3/myself" : "/system/info");
}

/** The e-mail of the ticket's reporter (Jira) or contact (ConnectWise), or null when it has none. */
export async function ticketRequesterEmail(target: TicketingTarget, ticketId: string): Promise<string | null> {
  if (target.kind === "jira") {
    const issue = (await request(target, `/rest/api/3/issue/${encodeURIComponent(ticketId)}?fields=reporter`)) as {
      fields?: { reporter?: { emailAddress?: string } };
    };
    return issue.fields?.reporter?.emailAddress?.toLowerCase() ?? null;
  }
  if (!/^\d{1,12}$/.test(ticketId)) throw new UpstreamError("A ConnectWise ticket id is a number.", "refused");
  const ticket = (await request(target, `/service/tickets/${ticketId}`)) as { contactEmailAddress?: string; contact?: { id?: number } };
  return ticket.contactEmailAddress?.toLowerCase() ?? null;
}

/** Posts the approval note: a Jira comment (ADF body) or a ConnectWise internal analysis note. */
export async function postTicketNote(target: TicketingTarget, ticketId: string, note: { text: string; adf: unknown }): Promise<string> {
  if (target.kind === "jira") {
    const created = (await request(target, `/rest/api/3/issue/${encodeURIComponent(ticketId)}/comment`, {
      method: "POST",
      body: JSON.stringify(note.adf),
    })) as { id?: string };
    return String(created.id ?? "");
  }
  const created = (await request(target, `/service/tickets/${encodeURIComponent(ticketId)}/notes`, {
    method: "POST",
    body: JSON.stringify({ text: note.text, detailDescriptionFlag: false, internalAnalysisFlag: true, resolutionFlag: false }),
  })) as { id?: number };
  return String(created.id ?? "");
}
