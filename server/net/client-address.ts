import { isIP } from "node:net";
import type { Server } from "node:http";
import { getEnv } from "../env";
import { inAnyNetwork, type Network } from "./outbound-guard";

/** Set by the server on every request to the TCP peer's address, replacing whatever a client sent. */
export const PEER_HEADER = "x-toolgate-peer";

const slot = globalThis as unknown as { __toolgatePeerStamped?: boolean };

/**
 * Next.js hides the socket from route handlers (and keeps a client's own X-Forwarded-For as it
 * is), so the Node server stamps the real peer address into a header before Next.js sees the
 * request. Installed once, from instrumentation.ts; only then is the header believed.
 */
export async function stampPeerAddresses(): Promise<void> {
  if (slot.__toolgatePeerStamped) return;
  const http = await import("node:http");
  const emit = http.Server.prototype.emit as (this: Server, event: string | symbol, ...args: unknown[]) => boolean;
  http.Server.prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const request = args[0] as { headers: Record<string, string | string[] | undefined>; socket?: { remoteAddress?: string } };
      request.headers[PEER_HEADER] = request.socket?.remoteAddress ?? "";
    }
    return emit.call(this, event, ...args);
  } as typeof http.Server.prototype.emit;
  slot.__toolgatePeerStamped = true;
}

const clean = (value: string) =>
  value
    .trim()
    .replace(/^\[|\]$/g, "")
    .replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1");

/**
 * The client's address for throttling and audit. X-Forwarded-For is believed only from
 * TOOLGATE_TRUSTED_PROXIES: the hops are read from the right (the peer first), skipping trusted
 * proxies, and the first untrusted one is the client — the leftmost entries, which a client
 * writes itself, are never reached past an untrusted hop. Null when the address is unknown.
 */
export function clientAddressOf(headers: Headers, trustedProxies: Network[] = getEnv().trustedProxies): string | null {
  const peerHeader = slot.__toolgatePeerStamped ? headers.get(PEER_HEADER) : null;
  const forwarded = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map(clean)
    .filter((entry) => isIP(entry) !== 0);
  const peer = peerHeader ? clean(peerHeader) : null;
  if (trustedProxies.length === 0) return peer && isIP(peer) ? peer : null;
  // Without a stamped peer (a server that does not install the stamp) the last hop is the closest one there is.
  const hops = peer ? [...forwarded, peer] : forwarded;
  for (let index = hops.length - 1; index >= 0; index--) {
    const hop = hops[index]!;
    if (!inAnyNetwork(hop, trustedProxies)) return hop;
  }
  return hops[0] ?? null;
}

/** Whether the request reached a trusted proxy over HTTPS (X-Forwarded-Proto from a trusted peer) . */
export function forwardedHttps(headers: Headers, trustedProxies: Network[] = getEnv().trustedProxies): boolean {
  const peerHeader = slot.__toolgatePeerStamped ? headers.get(PEER_HEADER) : null;
  if (!peerHeader || !inAnyNetwork(clean(peerHeader), trustedProxies)) return false;
  return (headers.get("x-forwarded-proto") ?? "").split(",")[0]?.trim().toLowerCase() === "https";
}
