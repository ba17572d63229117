import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FetchHandler = (request: Request) => Promise<Response> | Response;

/** Node request → web Request (what Next.js route handlers take). */
export async function toWebRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = chunks.length ? Buffer.concat(chunks) : undefined;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method,
    headers,
    body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
  });
}

/** Web Response → node response, streaming the body (SSE included). */
export async function sendWebResponse(response: Response, res: ServerResponse): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => res.setHeader(name, value));
  if (!response.body) return void res.end();
  const reader = response.body.getReader();
  res.on("close", () => void reader.cancel().catch(() => {}));
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    res.write(value);
  }
  res.end();
}

export type RunningServer = { url: string; port: number; server: Server; close(): Promise<void> };

/** A real HTTP server around a fetch-style handler: route handlers under test, or test stubs. */
export async function serveFetch(handler: FetchHandler, port = 0): Promise<RunningServer> {
  const server = createServer(async (req, res) => {
    try {
      const origin = `http://${req.headers.host ?? "127.0.0.1"}`;
      await sendWebResponse(await handler(await toWebRequest(req, origin)), res);
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  });
  // Outlive the client's idle sockets (undici closes them after 4 s), so a request never meets a
  // socket the server is closing at that moment (ECONNRESET on a busy machine).
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Serves the app's own route handlers, matched by path pattern (for tests of self-calls such as demo directories). */
export function routeTable(routes: Array<[RegExp, (request: Request, match: RegExpMatchArray) => Promise<Response>]>): FetchHandler {
  return async (request) => {
    const path = new URL(request.url).pathname;
    for (const [pattern, handler] of routes) {
      const match = path.match(pattern);
      if (match) return handler(request, match);
    }
    return new Response("not found", { status: 404 });
  };
}
