import { ServiceError } from "../errors";
import { OutboundRefusedError, resolveAllowed } from "../net/outbound-guard";

/**
 * Checks a URL an admin entered, so a mistake is said when it is saved: http(s) only, no embedded
 * credentials, and a host that resolves only to allowed addresses (see server/net/outbound-guard.ts).
 * This is the early answer, not the defence: every connection is checked again as it opens.
 */
export async function assertAllowedUpstreamUrl(raw: string): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ServiceError("invalid_input", `"${raw}" is not a URL: enter one like https://mcp.example.com/mcp.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new ServiceError("invalid_input", `Only http and https URLs can be connected (got ${url.protocol}).`);
  if (url.username || url.password) throw new ServiceError("invalid_input", "Put credentials in the auth header field, not in the URL.");
  try {
    await resolveAllowed(url.hostname);
  } catch (error) {
    if (error instanceof OutboundRefusedError) throw new ServiceError("invalid_input", error.message);
    throw new ServiceError("upstream_unreachable", (error as Error).message);
  }
  return url;
}
