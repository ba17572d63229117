import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { getEnv } from "../env";
import { ServiceError } from "../errors";

/** Addresses an admin-entered URL must not reach: loopback, private, link-local (cloud metadata), etc. */
const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  blocked.addSubnet(network, prefix, "ipv6");
}

export function isPrivateAddress(address: string): boolean {
  const mapped = address.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i)?.[1];
  if (mapped) return blocked.check(mapped, "ipv4");
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? "ipv4" : "ipv6");
}

/**
 * Checks a URL an admin entered against server-side request forgery: http(s) only, no embedded
 * credentials, and no host that resolves to a loopback, private or link-local address unless
 * TOOLGATE_ALLOW_PRIVATE_UPSTREAMS=1. Returns the parsed URL.
 */
export async function assertAllowedUpstreamUrl(raw: string, allowPrivate = getEnv().TOOLGATE_ALLOW_PRIVATE_UPSTREAMS): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ServiceError("invalid_input", `"${raw}" is not a URL: enter one like https://mcp.example.com/mcp.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new ServiceError("invalid_input", `Only http and https URLs can be connected (got ${url.protocol}).`);
  if (url.username || url.password) throw new ServiceError("invalid_input", "Put credentials in the auth header field, not in the URL.");
  if (allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
    } catch {
      throw new ServiceError("upstream_unreachable", `The host ${host} could not be found (DNS lookup failed).`);
    }
  }
  const refused = addresses.find(isPrivateAddress);
  if (refused) {
    throw new ServiceError(
      "invalid_input",
      `${host} resolves to ${refused}, a loopback, private or link-local address. Toolgate refuses those upstreams unless TOOLGATE_ALLOW_PRIVATE_UPSTREAMS=1 is set.`,
    );
  }
  return url;
}
