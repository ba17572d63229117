import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { clientAddressOf, forwardedHttps, stampPeerAddresses } from "./client-address";
import { parseNetworks } from "./outbound-guard";

const proxies = (text: string) => parseNetworks("TOOLGATE_TRUSTED_PROXIES", text);
const headers = (forwardedFor: string, extra: Record<string, string> = {}) => new Headers({ "x-forwarded-for": forwardedFor, ...extra });

describe("the client's address", () => {
  it("ignores X-Forwarded-For entirely when no proxy is trusted", () => {
    expect(clientAddressOf(headers("203.0.113.7"), [])).toBeNull();
  });

  it("reads X-Forwarded-For from the right, skipping trusted proxies: the first untrusted hop is the client", () => {
    expect(clientAddressOf(headers("203.0.113.7"), proxies("10.0.0.0/8"))).toBe("203.0.113.7");
    expect(clientAddressOf(headers("198.51.100.1, 203.0.113.7, 10.0.0.2"), proxies("10.0.0.0/8"))).toBe("203.0.113.7");
    // A client that writes its own X-Forwarded-For cannot reach past the hop the proxy appended.
    expect(clientAddressOf(headers("10.9.9.9, 198.51.100.1, 203.0.113.7"), proxies("10.0.0.0/8"))).toBe("203.0.113.7");
  });

  it("believes the header only from a trusted peer, once the server stamps the real peer address", async () => {
    await stampPeerAddresses();
    const seen: Array<{ client: string | null; https: boolean }> = [];
    let trusted = proxies("");
    const server = createServer((req, res) => {
      const web = new Headers(
        Object.entries(req.headers).flatMap(([name, value]) => (typeof value === "string" ? [[name, value] as [string, string]] : [])),
      );
      seen.push({ client: clientAddressOf(web, trusted), https: forwardedHttps(web, trusted) });
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const forged = { "x-forwarded-for": "198.51.100.9", "x-forwarded-proto": "https", "x-toolgate-peer": "10.0.0.1" };
    try {
      await fetch(url, { headers: forged });
      trusted = proxies("10.0.0.0/8"); // the peer (loopback) is not a trusted proxy
      await fetch(url, { headers: forged });
      trusted = proxies("127.0.0.1"); // now it is
      await fetch(url, { headers: forged });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(seen).toEqual([
      { client: "127.0.0.1", https: false },
      { client: "127.0.0.1", https: false },
      { client: "198.51.100.9", https: true },
    ]);
  });
});
