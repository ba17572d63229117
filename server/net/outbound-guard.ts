import { lookup as dnsLookup } from "node:dns";
import { networkInterfaces } from "node:os";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { getEnv } from "../env";
import { METADATA_ADDRESSES, SPECIAL_IPV4, SPECIAL_IPV6, type SpecialRange } from "./special-ranges";

type Address = ipaddr.IPv4 | ipaddr.IPv6;
export type Network = [Address, number];
export type ResolvedAddress = { address: string; family: number };

/**
 * What the guard consults on every outbound connection. Production reads the environment and the
 * machine; tests inject the resolver and the interface list so they never touch real DNS.
 */
export type OutboundPolicy = {
  /** Networks (CIDR) that may be reached although special-purpose: TOOLGATE_UPSTREAM_ALLOWED_NETWORKS. */
  allowedNetworks: () => Network[];
  /** This host's own interface addresses (os.networkInterfaces()). */
  ownAddresses: () => string[];
  resolve: (hostname: string) => Promise<ResolvedAddress[]>;
};

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

/** Thrown (as a connection error) when a destination is refused; fetch wraps it as its cause. */
export class OutboundRefusedError extends Error {
  readonly code = "ERR_TOOLGATE_OUTBOUND_REFUSED";
  override readonly name = "OutboundRefusedError";
}

const parseRanges = (ranges: SpecialRange[]) => ranges.map((range) => ({ ...range, network: ipaddr.parseCIDR(range.cidr) }));
const SPECIAL = [...parseRanges(SPECIAL_IPV4), ...parseRanges(SPECIAL_IPV6)];
const METADATA = parseRanges(METADATA_ADDRESSES);
const NAT64 = ipaddr.parseCIDR("64:ff9b::/96");
const IPV4_COMPATIBLE = ipaddr.parseCIDR("::/96");

function inNetwork(address: Address, [network, prefix]: Network): boolean {
  return address.kind() === network.kind() && address.match(network, prefix);
}

/**
 * The IPv4 address an IPv6 address carries when it is IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible
 * (::a.b.c.d) or NAT64 (64:ff9b::a.b.c.d): the packet ends up there, so that is what is judged.
 */
function embeddedIpv4(address: Address): ipaddr.IPv4 | null {
  if (address.kind() !== "ipv6") return null;
  const v6 = address as ipaddr.IPv6;
  const carried = () =>
    ipaddr.IPv4.parse(
      v6.parts
        .slice(6)
        .map((part) => `${part >> 8}.${part & 0xff}`)
        .join("."),
    );
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
  if (inNetwork(v6, NAT64)) return carried();
  // ::/96 holds :: and ::1 too, which are unspecified and loopback in their own right.
  if (inNetwork(v6, IPV4_COMPATIBLE) && (v6.parts[6] ?? 0) !== 0) return carried();
  return null;
}

/** The plain form of an address for comparison with the interface list (zone ids dropped). */
function canonical(address: Address): string {
  const text = address.toNormalizedString();
  return text.replace(/%.*$/, "");
}

/**
 * Whether Toolgate may open a connection to `address`. Refused: anything unparsable; cloud
 * metadata addresses and this host's own addresses (even inside an allowed network); every IANA
 * special-purpose range (loopback, private, link-local, shared, documentation, benchmarking,
 * multicast, reserved, …) unless an allowed network lists it. Public addresses are allowed.
 */
export function classifyAddress(raw: string, policy: Pick<OutboundPolicy, "allowedNetworks" | "ownAddresses">): AddressVerdict {
  const text = raw.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (!ipaddr.isValid(text) || isIP(text) === 0) return { allowed: false, reason: `"${raw}" is not an IP address` };
  const parsed = ipaddr.parse(text);
  const carried = embeddedIpv4(parsed);
  const candidates: Address[] = carried ? [carried, parsed] : [parsed];
  const subject = candidates[0]!;
  const via = carried ? ` (carried in ${text})` : "";

  for (const candidate of candidates) {
    const metadata = METADATA.find((range) => inNetwork(candidate, range.network));
    if (metadata) return { allowed: false, reason: `${subject.toString()}${via} is a ${metadata.name} address` };
  }
  if (subject.range() === "unspecified")
    return { allowed: false, reason: `${subject.toString()}${via} is the unspecified address (this host)` };
  const own = new Set(
    policy
      .ownAddresses()
      .filter((address) => ipaddr.isValid(address.replace(/%.*$/, "")))
      .map((address) => ipaddr.process(address.replace(/%.*$/, "")))
      .filter((address) => address.range() !== "loopback")
      .map(canonical),
  );
  if (candidates.some((candidate) => own.has(canonical(candidate))))
    return { allowed: false, reason: `${subject.toString()}${via} is an address of this Toolgate host itself` };

  // An address that carries an IPv4 address is judged by it: NAT64 of a public address is public.
  const special = SPECIAL.find((range) => inNetwork(subject, range.network));
  if (!special) return { allowed: true };
  if (policy.allowedNetworks().some((network) => candidates.some((candidate) => inNetwork(candidate, network)))) return { allowed: true };
  return {
    allowed: false,
    reason: `${subject.toString()}${via} is in ${special.cidr} (${special.name}); list the network in TOOLGATE_UPSTREAM_ALLOWED_NETWORKS to allow it`,
  };
}

/** Parses a list of networks (CIDRs or single addresses, separated by commas or spaces) from `variable`. */
export function parseNetworks(variable: string, text: string | undefined): Network[] {
  return (text ?? "")
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry) => {
      if (ipaddr.isValidCIDR(entry)) return ipaddr.parseCIDR(entry);
      if (ipaddr.isValid(entry) && isIP(entry)) {
        const address = ipaddr.parse(entry);
        return [address, address.kind() === "ipv4" ? 32 : 128] as Network;
      }
      throw new Error(
        `${variable} must list networks in CIDR notation separated by commas, e.g. 10.20.0.0/16,fd12:3456::/48 (not "${entry}")`,
      );
    });
}

export const parseAllowedNetworks = (text: string | undefined) => parseNetworks("TOOLGATE_UPSTREAM_ALLOWED_NETWORKS", text);

/** Whether `address` lies in one of `networks` (IPv4-mapped IPv6 compared as IPv4). */
export function inAnyNetwork(address: string, networks: Network[]): boolean {
  const text = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (!ipaddr.isValid(text) || isIP(text) === 0) return false;
  const parsed = ipaddr.process(text);
  return networks.some((network) => inNetwork(parsed, network));
}

function systemOwnAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .flatMap((entry) => (entry ? [entry.address] : []));
}

function systemResolve(hostname: string): Promise<ResolvedAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );
}

const slot = globalThis as unknown as { __toolgateOutboundPolicy?: Partial<OutboundPolicy> };

/** The policy in force: the environment, the machine, and whatever a test injected. */
export function outboundPolicy(): OutboundPolicy {
  const injected = slot.__toolgateOutboundPolicy ?? {};
  return {
    allowedNetworks: injected.allowedNetworks ?? (() => getEnv().allowedNetworks),
    ownAddresses: injected.ownAddresses ?? systemOwnAddresses,
    resolve: injected.resolve ?? systemResolve,
  };
}

/** Tests replace parts of the policy (resolver, interfaces, networks); returns the undo. */
export function injectOutboundPolicy(parts: Partial<OutboundPolicy>): () => void {
  const before = slot.__toolgateOutboundPolicy;
  slot.__toolgateOutboundPolicy = { ...before, ...parts };
  return () => {
    slot.__toolgateOutboundPolicy = before;
  };
}

/** Refuses `address` (an IP literal) unless the policy allows it. */
export function assertAddressAllowed(host: string, address: string, policy = outboundPolicy()): void {
  const verdict = classifyAddress(address, policy);
  if (!verdict.allowed) throw new OutboundRefusedError(`Toolgate refuses to connect to ${host}: ${verdict.reason}.`);
}

/**
 * Resolves `hostname` and checks every address it resolves to (one refused address refuses the
 * host: a rebinding answer may rotate). Returns the allowed addresses.
 */
export async function resolveAllowed(hostname: string, policy = outboundPolicy()): Promise<ResolvedAddress[]> {
  const host = hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) {
    assertAddressAllowed(host, host, policy);
    return [{ address: host, family: isIP(host) }];
  }
  let addresses: ResolvedAddress[];
  try {
    addresses = await policy.resolve(host);
  } catch (error) {
    throw Object.assign(new Error(`The host ${host} could not be found (DNS lookup failed).`), {
      code: (error as { code?: string }).code ?? "ENOTFOUND",
    });
  }
  if (addresses.length === 0) throw Object.assign(new Error(`The host ${host} has no address.`), { code: "ENOTFOUND" });
  for (const entry of addresses) assertAddressAllowed(host, entry.address, policy);
  return addresses;
}

/**
 * A `lookup` for net.connect / tls.connect: the address is checked when the socket is about to
 * connect, so an answer that changes after the URL was saved (DNS rebinding) is caught too.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  resolveAllowed(hostname).then(
    (addresses) => {
      const family = typeof options === "object" ? options.family : options;
      const wanted = family === 4 || family === 6 ? addresses.filter((entry) => entry.family === family) : addresses;
      if (wanted.length === 0) {
        callback(Object.assign(new Error(`The host ${hostname} has no IPv${family} address.`), { code: "ENOTFOUND" }), "", 0);
        return;
      }
      if (typeof options === "object" && options.all) (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, wanted);
      else callback(null, wanted[0]!.address, wanted[0]!.family);
    },
    (error: NodeJS.ErrnoException) => callback(error, "", 0),
  );
};
