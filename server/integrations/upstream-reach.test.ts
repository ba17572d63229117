import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { forgetEnv } from "../env";
import { connectorFor } from "./connectors";
import { closeMcpClients } from "./connectors/mcp";
import { assertAllowedUpstreamUrl } from "./upstream-url";

/** With no network allowed (production's default): what an admin-entered URL may reach. */
let upstream: McpUpstream;
beforeAll(async () => {
  upstream = await startMcpUpstream({ tools: [tool("get_ticket")] });
});
afterAll(async () => {
  await closeMcpClients();
  await upstream.close();
});
beforeEach(() => {
  vi.stubEnv("TOOLGATE_ALLOW_PRIVATE_UPSTREAMS", "0");
  vi.stubEnv("TOOLGATE_UPSTREAM_ALLOWED_NETWORKS", "");
  forgetEnv();
});
afterEach(() => {
  vi.unstubAllEnvs();
  forgetEnv();
});

describe("an upstream URL on a special-purpose address", () => {
  it.each([
    ["documentation 192.0.2.0/24", "http://192.0.2.10/mcp"],
    ["benchmarking 198.18.0.0/15", "http://198.19.0.1/mcp"],
    ["NAT64 of a private address", "http://[64:ff9b::a00:5]/mcp"],
    ["NAT64 of the metadata address", "http://[64:ff9b::a9fe:a9fe]/mcp"],
    ["IPv4-compatible loopback", "http://[::7f00:1]/mcp"],
    ["TEST-NET-3", "http://203.0.113.5/mcp"],
    ["the AWS metadata address over IPv6", "http://[fd00:ec2::254]/latest"],
  ])("is refused when saved: %s", async (_name, url) => {
    await expect(assertAllowedUpstreamUrl(url)).rejects.toThrow();
  });

  it("is refused when connecting, not only when saved: nothing reaches a loopback upstream", async () => {
    const before = upstream.requestHeaders.length;
    const connector = connectorFor({ id: "int_reach", kind: "mcp", config: { url: upstream.url }, secrets: {} });
    await expect(connector.listTools()).rejects.toThrow(/refuses to connect/);
    expect(upstream.requestHeaders.length).toBe(before);
  });
});
