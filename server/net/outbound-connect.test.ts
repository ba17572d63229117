import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startSmtpCapture } from "@/test/smtp-capture";
import { startSlackStub, type SlackStub } from "@/test/slack-stub";
import { sendPlainMail, smtpTransport } from "../mail/send-mail";
import { forgetEnv } from "../env";
import { slackConnector } from "../integrations/connectors/slack";
import { testTicketing } from "../integrations/connectors/ticketing";
import { closeOutboundConnections, outboundFetch } from "./outbound-fetch";
import { injectOutboundPolicy, parseAllowedNetworks } from "./outbound-guard";

/**
 * Every outbound path connects through the guard, which checks the address the name resolves to
 * *when the socket connects*. The resolver is injected (names under .rebind.test answer what the
 * test says); the only traffic ever sent goes to servers on loopback, which count connections.
 */
let answer = "127.0.0.1";
let server: Server;
let port = 0;
let connections = 0;
let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
let slack: SlackStub;
let restore: () => void = () => {};

function policy(allowed: string) {
  restore();
  restore = injectOutboundPolicy({
    resolve: async (host) => (host.endsWith(".rebind.test") ? [{ address: answer, family: 4 }] : []),
    ownAddresses: () => ["10.1.2.3"],
    allowedNetworks: () => parseAllowedNetworks(allowed),
  });
}

beforeAll(async () => {
  server = createServer((req, res) => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  smtp = await startSmtpCapture();
  slack = await startSlackStub({ token: "xoxb-good" });
});
afterAll(async () => {
  restore();
  await closeOutboundConnections();
  await Promise.all([new Promise((resolve) => server.close(resolve)), smtp.close(), slack.close()]);
});
afterEach(async () => {
  answer = "127.0.0.1";
  vi.unstubAllEnvs();
  forgetEnv();
  await closeOutboundConnections();
});

const causeOf = (error: unknown) => String((error as { cause?: Error }).cause?.message ?? (error as Error).message);

describe("connect-time outbound guard", () => {
  it("refuses a name that resolves to loopback unless loopback is allowed, and opens no connection", async () => {
    policy("");
    const before = connections;
    const refused = await outboundFetch(`http://upstream.rebind.test:${port}/`).catch((error: unknown) => error);
    expect(causeOf(refused)).toMatch(/refuses to connect to upstream\.rebind\.test: 127\.0\.0\.1 is in 127\.0\.0\.0\/8 \(loopback\)/);
    const literal = await outboundFetch(`http://127.0.0.1:${port}/`).catch((error: unknown) => error);
    expect(causeOf(literal)).toMatch(/refuses to connect to 127\.0\.0\.1/);
    expect(connections).toBe(before);

    policy("127.0.0.0/8");
    expect((await outboundFetch(`http://upstream.rebind.test:${port}/`)).status).toBe(200);
    expect(connections).toBe(before + 1);
  });

  it("catches DNS rebinding: the name is judged again by what it resolves to when connecting", async () => {
    policy("10.0.0.0/8");
    answer = "10.0.0.9"; // allowed when checked …
    const { resolveAllowed } = await import("./outbound-guard");
    await expect(resolveAllowed("flip.rebind.test")).resolves.toEqual([{ address: "10.0.0.9", family: 4 }]);
    answer = "127.0.0.1"; // … and rebound to loopback before the connection
    const before = connections;
    const refused = await outboundFetch(`http://flip.rebind.test:${port}/`).catch((error: unknown) => error);
    expect(causeOf(refused)).toMatch(/127\.0\.0\.1 is in 127\.0\.0\.0\/8/);
    expect(connections).toBe(before);
  });

  it("refuses the app's own interface address even inside an allowed network", async () => {
    policy("10.0.0.0/8");
    answer = "10.1.2.3";
    const refused = await outboundFetch(`http://self.rebind.test:${port}/`).catch((error: unknown) => error);
    expect(causeOf(refused)).toMatch(/address of this Toolgate host itself/);
  });

  it("guards SMTP: the host is checked when nodemailer connects", async () => {
    const settings = { host: "mail.rebind.test", port: smtp.port, secure: false, username: null, password: null, from: "t@msp.test" };
    policy("");
    await expect(smtpTransport(settings).sendMail({ from: "t@msp.test", to: "a@msp.test", subject: "s", text: "t" })).rejects.toThrow(
      /refuses to connect to mail\.rebind\.test/,
    );
    expect(smtp.messages).toHaveLength(0);
    // Password links, invitations and the test e-mail go through the same guarded transport.
    await expect(sendPlainMail(settings, "a@msp.test", { subject: "s", text: "t" })).rejects.toThrow(
      /refuses to connect to mail\.rebind\.test/,
    );
    expect(smtp.messages).toHaveLength(0);
    policy("127.0.0.1/32");
    await smtpTransport(settings).sendMail({ from: "t@msp.test", to: "a@msp.test", subject: "s", text: "t" });
    expect(smtp.messages).toHaveLength(1);
  });

  it("guards Jira and ConnectWise", async () => {
    policy("");
    const before = connections;
    await expect(
      testTicketing({
        kind: "jira",
        config: { siteUrl: `http://jira.rebind.test:${port}`, accountEmail: "a@b.test" },
        secrets: { apiToken: "t" },
      }),
    ).rejects.toThrow(/refuses to connect to jira\.rebind\.test/);
    await expect(
      testTicketing({ kind: "connectwise", config: { siteUrl: `http://cw.rebind.test:${port}`, companyId: "c" }, secrets: {} }),
    ).rejects.toThrow(/refuses to connect to cw\.rebind\.test/);
    expect(connections).toBe(before);
  });

  it("guards the Slack API URL", async () => {
    vi.stubEnv("SLACK_API_URL", slack.apiUrl.replace("127.0.0.1", "slack.rebind.test"));
    forgetEnv();
    policy("");
    await expect(slackConnector("xoxb-good").listTools()).rejects.toThrow();
    expect(slack.calls).toHaveLength(0);
    policy("127.0.0.0/8");
    await slackConnector("xoxb-good").listTools();
    expect(slack.calls.length).toBeGreaterThan(0);
  });
});
