/**
 * Every range of the IANA special-purpose address registries (IPv4 and IPv6), plus multicast and
 * the addresses of cloud metadata services. Kept as data, so a review compares it line by line
 * with https://www.iana.org/assignments/iana-ipv4-special-registry and
 * https://www.iana.org/assignments/iana-ipv6-special-registry.
 */
export type SpecialRange = { cidr: string; name: string };

export const SPECIAL_IPV4: SpecialRange[] = [
  { cidr: "0.0.0.0/8", name: "this network" },
  { cidr: "10.0.0.0/8", name: "private network" },
  { cidr: "100.64.0.0/10", name: "shared address space (carrier-grade NAT)" },
  { cidr: "127.0.0.0/8", name: "loopback" },
  { cidr: "169.254.0.0/16", name: "link-local" },
  { cidr: "172.16.0.0/12", name: "private network" },
  { cidr: "192.0.0.0/24", name: "IETF protocol assignments" },
  { cidr: "192.0.2.0/24", name: "documentation (TEST-NET-1)" },
  { cidr: "192.31.196.0/24", name: "AS112-v4" },
  { cidr: "192.52.193.0/24", name: "AMT" },
  { cidr: "192.88.99.0/24", name: "deprecated 6to4 relay anycast" },
  { cidr: "192.168.0.0/16", name: "private network" },
  { cidr: "192.175.48.0/24", name: "direct delegation AS112 service" },
  { cidr: "198.18.0.0/15", name: "benchmarking" },
  { cidr: "198.51.100.0/24", name: "documentation (TEST-NET-2)" },
  { cidr: "203.0.113.0/24", name: "documentation (TEST-NET-3)" },
  { cidr: "224.0.0.0/4", name: "multicast" },
  { cidr: "240.0.0.0/4", name: "reserved" },
  { cidr: "255.255.255.255/32", name: "limited broadcast" },
];

export const SPECIAL_IPV6: SpecialRange[] = [
  { cidr: "::1/128", name: "loopback" },
  { cidr: "::/128", name: "unspecified" },
  // ::ffff:0:0/96 (IPv4-mapped), ::/96 (IPv4-compatible) and 64:ff9b::/96 (NAT64) are judged by
  // the IPv4 address they carry (see outbound-guard.ts) before this list is consulted.
  { cidr: "::ffff:0:0/96", name: "IPv4-mapped" },
  { cidr: "::/96", name: "IPv4-compatible" },
  { cidr: "64:ff9b::/96", name: "IPv4/IPv6 translation (NAT64)" },
  { cidr: "64:ff9b:1::/48", name: "local-use IPv4/IPv6 translation" },
  { cidr: "100::/64", name: "discard-only" },
  { cidr: "100:0:0:1::/64", name: "dummy IPv6 prefix" },
  { cidr: "2001::/23", name: "IETF protocol assignments (Teredo, benchmarking, ORCHID, …)" },
  { cidr: "2001:db8::/32", name: "documentation" },
  { cidr: "2002::/16", name: "6to4" },
  { cidr: "2620:4f:8000::/48", name: "direct delegation AS112 service" },
  { cidr: "3fff::/20", name: "documentation" },
  { cidr: "5f00::/16", name: "segment routing (SRv6) SIDs" },
  { cidr: "fc00::/7", name: "unique local" },
  { cidr: "fe80::/10", name: "link-local" },
  { cidr: "fec0::/10", name: "deprecated site-local" },
  { cidr: "ff00::/8", name: "multicast" },
];

/** Instance metadata services (cloud credentials live there): refused even inside an allowed network. */
export const METADATA_ADDRESSES: SpecialRange[] = [
  { cidr: "169.254.169.254/32", name: "cloud instance metadata (AWS, GCP, Azure, …)" },
  { cidr: "169.254.170.2/32", name: "AWS ECS task metadata" },
  { cidr: "169.254.169.253/32", name: "AWS DNS resolver" },
  { cidr: "168.63.129.16/32", name: "Azure platform (WireServer)" },
  { cidr: "100.100.100.200/32", name: "Alibaba Cloud metadata" },
  { cidr: "fd00:ec2::254/128", name: "AWS instance metadata (IPv6)" },
  { cidr: "fd00:ec2::253/128", name: "AWS DNS resolver (IPv6)" },
];
