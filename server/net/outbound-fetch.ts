import { connect as netConnect, isIP, type Socket } from "node:net";
import { Agent, buildConnector } from "undici";
import { assertAddressAllowed, guardedLookup, resolveAllowed } from "./outbound-guard";

/**
 * undici's connector with the outbound guard in it: a host name is resolved and checked by
 * `guardedLookup` as the socket connects; an IP literal (which net.connect never looks up) is
 * checked here. Redirects open new connections through the same connector.
 */
function guardedConnector(): buildConnector.connector {
  const base = buildConnector({ lookup: guardedLookup, timeout: 10_000 });
  return (options, callback) => {
    const host = options.hostname.replace(/^\[|\]$/g, "");
    if (isIP(host)) {
      try {
        assertAddressAllowed(host, host);
      } catch (error) {
        callback(error as Error, null);
        return;
      }
    }
    base(options, callback);
  };
}

const slot = globalThis as unknown as { __toolgateOutboundAgent?: Agent };

/** The dispatcher for every request to a destination an admin or agent configured. */
export function outboundDispatcher(): Agent {
  return (slot.__toolgateOutboundAgent ??= new Agent({ connect: guardedConnector() }));
}

/** Closes pooled connections (tests that change the policy between requests). */
export async function closeOutboundConnections(): Promise<void> {
  const agent = slot.__toolgateOutboundAgent;
  slot.__toolgateOutboundAgent = undefined;
  await agent?.close();
}

/**
 * fetch for MCP upstreams, Jira, ConnectWise, agent webhooks, the Slack API and single sign-on:
 * every connection it opens goes only to an allowed address, checked at connect time.
 */
export const outboundFetch: typeof fetch = (input, init) => fetch(input, { ...init, dispatcher: outboundDispatcher() } as RequestInit);

/**
 * A TCP connection to host:port through the guard (for nodemailer's `getSocket`): resolved,
 * checked, and connected to the checked address only.
 */
export async function connectGuardedSocket(host: string, port: number, timeoutMs: number): Promise<Socket> {
  const [first] = await resolveAllowed(host);
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: first!.address, port, timeout: timeoutMs });
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.once("error", fail);
    socket.once("timeout", () => fail(Object.assign(new Error(`Connection to ${host}:${port} timed out.`), { code: "ETIMEDOUT" })));
    socket.once("connect", () => {
      socket.off("error", fail);
      socket.setTimeout(0);
      resolve(socket);
    });
  });
}
