import { createServer, connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export type FaultMode = "pass" | "refuse" | "stall";

/**
 * A TCP proxy between the app and PostgreSQL that can misbehave on command: pass traffic, refuse
 * new connections (closing them at once), stall them (accept and never answer), and cut every open
 * connection.
 */
export async function startFaultProxy(target: { host: string; port: number }) {
  let mode: FaultMode = "pass";
  const open = new Set<Socket>();
  const server = createServer((client) => {
    open.add(client);
    client.on("close", () => open.delete(client));
    client.on("error", () => {});
    if (mode === "refuse") return void client.destroy();
    if (mode === "stall") return;
    const upstream = connect(target.port, target.host);
    open.add(upstream);
    upstream.on("close", () => open.delete(upstream));
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    setMode(next: FaultMode) {
      mode = next;
    },
    /** Drops every open connection (both directions), as a network cut or a database restart would. */
    cut() {
      for (const socket of open) socket.destroy();
      open.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
