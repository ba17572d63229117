import type { IntegrationConfig, IntegrationKind, ToolAnnotations } from "@/db/schema";

/** A tool as an upstream describes it. */
export type DiscoveredTool = {
  name: string;
  title: string | null;
  description: string;
  inputSchema: Record<string, unknown>;
  /** The shape of its structured result, when the upstream declares one. */
  outputSchema?: Record<string, unknown> | null;
  annotations: ToolAnnotations;
};

/**
 * A tool call's result. A failure says, where the connector knows, whether the upstream can have
 * acted: `not_sent` (the request never left: connection refused, no such host, a refused
 * destination), `unknown` (sent, but no answer: a timeout, a dropped connection). Absent: the
 * upstream answered with its error.
 */
export type ToolCallOutcome = { ok: true; result: unknown } | { ok: false; message: string; delivery?: "not_sent" | "unknown" };

/** Decrypted credentials of an integration (never leaves the server). */
export type IntegrationSecrets = {
  authHeaderValue?: string;
  botToken?: string;
  signingSecret?: string;
  demoSecret?: string;
  apiToken?: string;
  publicKey?: string;
  privateKey?: string;
};

export type ConnectionTarget = { id: string; kind: IntegrationKind; config: IntegrationConfig; secrets: IntegrationSecrets };

/** What the gateway and the connect flow need of any upstream system. */
export interface Connector {
  /** Every tool, following pagination. Throws UpstreamError with a sentence for people. */
  listTools(): Promise<DiscoveredTool[]>;
  /** One call, made once: never retried here (a retry could run a write twice). */
  callTool(name: string, args: Record<string, unknown>, options: { timeoutMs: number }): Promise<ToolCallOutcome>;
}

/** An upstream that could not be reached or understood; the message is shown to admins as is. */
export class UpstreamError extends Error {
  override readonly name = "UpstreamError";
  constructor(
    message: string,
    readonly reason: "unreachable" | "timeout" | "unauthorized" | "not_mcp" | "refused" | "invalid_response",
  ) {
    super(message);
  }
}
