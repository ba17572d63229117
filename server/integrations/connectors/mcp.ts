import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport, StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { injectTraceContext } from "../../telemetry/tracing";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { ErrorCode, McpError, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { outboundFetch } from "../../net/outbound-fetch";
import { sha256Hex } from "../../crypto/tokens";
import { UpstreamError, type Connector, type DiscoveredTool, type ToolCallOutcome } from "./types";

/**
 * `trusted` is only for the app's own demo directories (a URL built by the app, never entered by
 * anyone): every other target connects through the outbound guard.
 */
export type McpTarget = { integrationId: string; url: string; headers: Record<string, string>; trusted?: boolean };

const DISCOVERY_TIMEOUT_MS = 15_000;
const MAX_PAGES = 100;
const IDLE_CLOSE_MS = 5 * 60_000;

type CachedClient = { client: Promise<Client>; timer: NodeJS.Timeout | null };
/** Connected clients per integration and credentials, reused across calls (on globalThis: see db/index.ts). */
const slot = globalThis as unknown as { __toolgateMcpClients?: Map<string, CachedClient> };
const cache: Map<string, CachedClient> = (slot.__toolgateMcpClients ??= new Map());

function causeCode(error: unknown): string | undefined {
  for (let current = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; current && depth < 4; depth++) {
    if (typeof current.code === "string") return current.code;
    current = current.cause as typeof current;
  }
  return undefined;
}

/** Errors that mean no byte of a request reached the upstream (so it certainly did not act). */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ERR_TOOLGATE_OUTBOUND_REFUSED"]);

/** Whether a failed `tools/call` can have reached the upstream: see ToolCallOutcome. */
function deliveryOf(error: unknown, described: UpstreamError): "not_sent" | "unknown" | undefined {
  if (NOT_SENT_CODES.has(causeCode(error) ?? "")) return "not_sent";
  // An HTTP status or a JSON-RPC error is the upstream's own answer.
  if (error instanceof StreamableHTTPError || (error instanceof McpError && error.code !== ErrorCode.RequestTimeout)) return undefined;
  return described.reason === "unauthorized" || described.reason === "not_mcp" ? undefined : "unknown";
}

/** Turns whatever the SDK or fetch threw into one sentence an admin can act on. */
export function describeMcpError(error: unknown, url: string, timeoutMs: number): UpstreamError {
  const where = new URL(url).host;
  if (error instanceof UpstreamError) return error;
  if (error instanceof UnauthorizedError)
    return new UpstreamError(`${where} refused the credentials (HTTP 401): check the auth header.`, "unauthorized");
  if (error instanceof StreamableHTTPError) {
    const status = error.code ?? 0;
    if (status === 401 || status === 403)
      return new UpstreamError(`${where} refused the credentials (HTTP ${status}): check the auth header.`, "unauthorized");
    if (status === -1) {
      const type = error.message.match(/content type: (.*)$/)?.[1] ?? "an unexpected content type";
      return new UpstreamError(`${where} answered with ${type}, not MCP: check that the URL is the server's MCP endpoint.`, "not_mcp");
    }
    if (status === 404 || status === 405 || status === 406 || status === 415) {
      return new UpstreamError(
        `${where} answered HTTP ${status} at ${new URL(url).pathname}: this does not look like an MCP endpoint.`,
        "not_mcp",
      );
    }
    return new UpstreamError(
      `${where} answered HTTP ${status}: ${error.message.replace(/^Streamable HTTP error: /, "").slice(0, 300)}`,
      "refused",
    );
  }
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout)
    return new UpstreamError(`${where} did not answer within ${Math.round(timeoutMs / 1000)} s.`, "timeout");
  const code = causeCode(error);
  if (code === "ECONNREFUSED") return new UpstreamError(`Could not connect to ${where}: connection refused.`, "unreachable");
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return new UpstreamError(`Could not find the host ${new URL(url).hostname} (DNS lookup failed).`, "unreachable");
  if (code === "UND_ERR_CONNECT_TIMEOUT" || (error as Error)?.name === "TimeoutError")
    return new UpstreamError(`${where} did not answer within ${Math.round(timeoutMs / 1000)} s.`, "timeout");
  if (code?.startsWith("ECONN") || code?.startsWith("UND_ERR") || code === "EPIPE" || code === "EHOSTUNREACH") {
    return new UpstreamError(`The connection to ${where} failed (${code}).`, "unreachable");
  }
  if (error instanceof TypeError && error.message === "fetch failed") {
    const cause = (error.cause as Error | undefined)?.message;
    return new UpstreamError(`Could not connect to ${where}${cause ? ` (${cause})` : ""}.`, "unreachable");
  }
  if (error instanceof SyntaxError || (error as Error)?.name === "ZodError" || (error as Error)?.name === "$ZodError") {
    return new UpstreamError(`${where} answered something that is not MCP (an invalid JSON-RPC message).`, "invalid_response");
  }
  const message = error instanceof Error ? error.message : String(error);
  return new UpstreamError(`${where}: ${message.slice(0, 300)}`, "refused");
}

/**
 * The SDK's transport passes one long-lived AbortSignal to every fetch, and each request leaves a
 * listener on it: a cached client would leak listeners (and slow down) with every call. Each
 * request gets its own abort controller instead, whose timer bounds the wait for the response
 * headers and is cleared as soon as they arrive (a timer left running would keep every finished
 * request's objects alive until it fired).
 */
function fetchWithOwnSignal(timeoutMs: number, send: typeof fetch): typeof fetch {
  return async (input, init) => {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new DOMException("The upstream did not answer in time.", "TimeoutError")),
      timeoutMs + 5_000,
    );
    // Toolgate's own trace context (traceparent) goes upstream; the agent's headers never do.
    const headers = new Headers(init?.headers);
    injectTraceContext(headers);
    try {
      return await send(input, { ...init, headers, signal: controller.signal });
    } finally {
      clearTimeout(timer);
    }
  };
}

async function openClient(target: McpTarget, timeoutMs: number): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(target.url), {
    requestInit: { headers: target.headers },
    fetch: fetchWithOwnSignal(timeoutMs, target.trusted ? fetch : outboundFetch),
  });
  const client = new Client({ name: "toolgate", version: "1.0.0" });
  try {
    await client.connect(transport, { timeout: timeoutMs });
  } catch (error) {
    await client.close().catch(() => {});
    throw describeMcpError(error, target.url, timeoutMs);
  }
  return client;
}

function cacheKey(target: McpTarget): string {
  return `${target.integrationId}:${sha256Hex(JSON.stringify([target.url, target.headers]))}`;
}

function cachedClient(target: McpTarget, timeoutMs: number): Promise<Client> {
  const key = cacheKey(target);
  let entry = cache.get(key);
  if (!entry) {
    entry = { client: openClient(target, timeoutMs), timer: null };
    cache.set(key, entry);
    entry.client.catch(() => cache.delete(key));
  }
  if (entry.timer) clearTimeout(entry.timer);
  const current = entry;
  current.timer = setTimeout(() => {
    cache.delete(key);
    void current.client.then((client) => client.close()).catch(() => {});
  }, IDLE_CLOSE_MS);
  current.timer.unref();
  return current.client;
}

function dropCachedClient(target: McpTarget): void {
  const key = cacheKey(target);
  const entry = cache.get(key);
  cache.delete(key);
  if (entry?.timer) clearTimeout(entry.timer);
  void entry?.client.then((client) => client.close()).catch(() => {});
}

function textOf(result: CallToolResult): string {
  return result.content
    .map((part) => (part.type === "text" ? part.text : `[${part.type}]`))
    .join("\n")
    .slice(0, 2_000);
}

/** An upstream MCP server over Streamable HTTP, through the official SDK client. */
export function mcpConnector(target: McpTarget): Connector {
  return {
    async listTools(): Promise<DiscoveredTool[]> {
      const client = await openClient(target, DISCOVERY_TIMEOUT_MS);
      try {
        const tools: DiscoveredTool[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < MAX_PAGES; page++) {
          const result = await client.listTools(cursor ? { cursor } : {}, { timeout: DISCOVERY_TIMEOUT_MS });
          for (const tool of result.tools) {
            tools.push({
              name: tool.name,
              title: tool.title ?? tool.annotations?.title ?? null,
              description: tool.description ?? "",
              inputSchema: tool.inputSchema as Record<string, unknown>,
              outputSchema: (tool.outputSchema as Record<string, unknown> | undefined) ?? null,
              annotations: tool.annotations ?? {},
            });
          }
          cursor = result.nextCursor;
          if (!cursor) return tools;
        }
        throw new UpstreamError(`${new URL(target.url).host} kept paginating its tool list past ${MAX_PAGES} pages.`, "invalid_response");
      } catch (error) {
        throw describeMcpError(error, target.url, DISCOVERY_TIMEOUT_MS);
      } finally {
        await client.close().catch(() => {});
      }
    },

    async callTool(name, args, { timeoutMs }): Promise<ToolCallOutcome> {
      let client: Client;
      try {
        client = await cachedClient(target, timeoutMs);
      } catch (error) {
        // The session could not be opened: the call itself was never sent.
        return { ok: false, message: describeMcpError(error, target.url, timeoutMs).message, delivery: "not_sent" };
      }
      try {
        const result = (await client.callTool({ name, arguments: args }, undefined, { timeout: timeoutMs })) as CallToolResult;
        if (result.isError) return { ok: false, message: textOf(result) || "The tool reported an error without a message." };
        return {
          ok: true,
          result: { content: result.content, ...(result.structuredContent ? { structuredContent: result.structuredContent } : {}) },
        };
      } catch (error) {
        // The connection may be broken: the next call starts afresh (this one is not retried).
        dropCachedClient(target);
        const described = describeMcpError(error, target.url, timeoutMs);
        const delivery = deliveryOf(error, described);
        return { ok: false, message: described.message, ...(delivery ? { delivery } : {}) };
      }
    },
  };
}

/** Closes every cached client (tests, shutdown). */
export async function closeMcpClients(): Promise<void> {
  const entries = [...cache.values()];
  cache.clear();
  await Promise.all(
    entries.map(async (entry) => {
      if (entry.timer) clearTimeout(entry.timer);
      await entry.client.then((client) => client.close()).catch(() => {});
    }),
  );
}
