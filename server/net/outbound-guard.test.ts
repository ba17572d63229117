import { describe, expect, it } from "vitest";
import { classifyAddress, guardedLookup, injectOutboundPolicy, parseAllowedNetworks, type ResolvedAddress } from "./outbound-guard";

const policy = (allowed = "", own: string[] = []) => ({ allowedNetworks: () => parseAllowedNetworks(allowed), ownAddresses: () => own });
const refused = (address: string, allowed = "", own: string[] = []) => !classifyAddress(address, policy(allowed, own)).allowed;

describe("classifying an outbound address", () => {
  it("refuses every IANA special-purpose range by default, IPv4 and IPv6", () => {
    for (const address of [
      "0.0.0.0",
      "10.1.2.3",
      "100.64.0.1",
      "127.0.0.1",
      "169.254.10.10",
      "172.20.0.1",
      "192.0.0.9",
      "192.0.2.1",
      "192.31.196.1",
      "192.52.193.1",
      "192.88.99.1",
      "192.168.1.1",
      "192.175.48.1",
      "198.18.0.1",
      "198.19.255.254",
      "198.51.100.7",
      "203.0.113.9",
      "224.0.0.1",
      "240.0.0.1",
      "255.255.255.255",
      "::",
      "::1",
      "64:ff9b:1::1",
      "100::1",
      "2001::1",
      "2001:db8::1",
      "2002:c000:0204::1",
      "2620:4f:8000::1",
      "3fff::1",
      "5f00::1",
      "fc00::1",
      "fd12:3456::1",
      "fe80::1",
      "fec0::1",
      "ff02::1",
    ]) {
      expect(refused(address), address).toBe(true);
    }
  });

  it("judges IPv4-mapped, IPv4-compatible and NAT64 addresses by the IPv4 address they carry", () => {
    expect(refused("::ffff:127.0.0.1")).toBe(true);
    expect(refused("::ffff:7f00:1")).toBe(true);
    expect(refused("::10.0.0.1")).toBe(true); // IPv4-compatible
    expect(refused("::a00:1")).toBe(true);
    expect(refused("64:ff9b::10.0.0.1")).toBe(true); // NAT64 of a private address
    expect(refused("64:ff9b::a9fe:a9fe")).toBe(true); // NAT64 of 169.254.169.254
    expect(refused("64:ff9b::192.0.2.1")).toBe(true);
    expect(refused("64:ff9b::93.184.216.34")).toBe(false); // NAT64 of a public address
    expect(refused("::ffff:93.184.216.34")).toBe(false);
  });

  it("allows public addresses", () => {
    for (const address of ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e"])
      expect(refused(address), address).toBe(false);
  });

  it("allows a special-purpose network only when TOOLGATE_UPSTREAM_ALLOWED_NETWORKS lists it", () => {
    expect(refused("10.20.3.4", "10.20.0.0/16")).toBe(false);
    expect(refused("10.21.3.4", "10.20.0.0/16")).toBe(true);
    expect(refused("::ffff:10.20.3.4", "10.20.0.0/16")).toBe(false);
    expect(refused("fd12:3456::9", "fd12:3456::/48")).toBe(false);
    expect(refused("127.0.0.1", "127.0.0.0/8")).toBe(false);
  });

  it("refuses metadata addresses and this host's own addresses even inside an allowed network", () => {
    expect(refused("169.254.169.254", "169.254.0.0/16")).toBe(true);
    expect(refused("::ffff:169.254.169.254", "0.0.0.0/0,::/0")).toBe(true);
    expect(refused("fd00:ec2::254", "fc00::/7")).toBe(true);
    expect(refused("168.63.129.16", "0.0.0.0/0")).toBe(true);
    expect(refused("10.1.2.3", "10.0.0.0/8", ["127.0.0.1", "10.1.2.3", "fe80::1%eth0"])).toBe(true);
    expect(refused("::ffff:10.1.2.3", "10.0.0.0/8", ["10.1.2.3"])).toBe(true);
    expect(refused("fe80::1", "fe80::/10", ["fe80::1%eth0"])).toBe(true);
    expect(refused("10.1.2.4", "10.0.0.0/8", ["10.1.2.3"])).toBe(false);
    expect(refused("0.0.0.0", "0.0.0.0/0")).toBe(true);
  });

  it("says which range refused an address", () => {
    expect(classifyAddress("192.0.2.1", policy())).toEqual({
      allowed: false,
      reason:
        "192.0.2.1 is in 192.0.2.0/24 (documentation (TEST-NET-1)); list the network in TOOLGATE_UPSTREAM_ALLOWED_NETWORKS to allow it",
    });
  });

  it("refuses a malformed network list with one sentence", () => {
    expect(() => parseAllowedNetworks("10.0.0.0/8, intranet")).toThrow(
      /TOOLGATE_UPSTREAM_ALLOWED_NETWORKS must list networks in CIDR notation.*"intranet"/,
    );
  });
});

describe("the connect-time lookup", () => {
  function lookup(host: string, options: { all?: boolean; family?: number }) {
    return new Promise<{ error: NodeJS.ErrnoException | null; result: unknown }>((resolve) =>
      guardedLookup(host, options, ((error: NodeJS.ErrnoException | null, result: unknown) => resolve({ error, result })) as never),
    );
  }

  it("refuses a host when any address it resolves to is refused (a rebinding answer may rotate)", async () => {
    const answers: Record<string, ResolvedAddress[]> = {
      "public.test": [{ address: "93.184.216.34", family: 4 }],
      "mixed.test": [
        { address: "93.184.216.34", family: 4 },
        { address: "10.0.0.7", family: 4 },
      ],
      "lan-self.test": [{ address: "10.1.2.3", family: 4 }],
    };
    const restore = injectOutboundPolicy({
      resolve: async (host) => answers[host] ?? [],
      ownAddresses: () => ["10.1.2.3"],
      allowedNetworks: () => parseAllowedNetworks("10.1.0.0/16"),
    });
    try {
      expect(await lookup("public.test", { all: true })).toEqual({ error: null, result: answers["public.test"] });
      expect((await lookup("mixed.test", { all: true })).error?.message).toMatch(/10\.0\.0\.7 is in 10\.0\.0\.0\/8/);
      expect((await lookup("lan-self.test", {})).error?.message).toMatch(/address of this Toolgate host itself/);
      expect((await lookup("nowhere.test", {})).error?.code).toBe("ENOTFOUND");
    } finally {
      restore();
    }
  });
});
