import { z } from "zod";
import { TICKET_SYSTEMS } from "@/db/schema";
import { getEnv } from "../env";
import { ServiceError } from "../errors";

/** The public contract of POST /api/gateway (documented in README.md and /api/gateway/openapi.json). */
export const callEnvelopeSchema = z
  .object({
    integration: z.string().min(1, "integration must name an integration slug").max(200),
    tool: z.string().min(1, "tool must name a tool").max(200),
    arguments: z.record(z.string(), z.unknown()).default({}),
    requester: z
      .object({ email: z.email("requester.email must be an e-mail address").max(320) })
      .strict()
      .optional(),
    ticket: z
      .object({ system: z.enum(TICKET_SYSTEMS, 'ticket.system must be "jira" or "connectwise"'), id: z.string().min(1).max(100) })
      .strict()
      .optional(),
    reason: z.string().max(2_000, "reason may be at most 2,000 characters").optional(),
  })
  .strict();

export type CallEnvelope = z.infer<typeof callEnvelopeSchema>;

const kib = (bytes: number) => `${Number((bytes / 1024).toFixed(1))} KiB`;

/**
 * Refuses arguments larger than TOOLGATE_MAX_ARGUMENTS_BYTES (413), before anything is decided or
 * stored: every stored call's arguments are read by the inbox, the call page, messages and exports.
 */
export function assertArgumentsWithinLimit(args: Record<string, unknown>, limit = getEnv().TOOLGATE_MAX_ARGUMENTS_BYTES): void {
  const bytes = Buffer.byteLength(JSON.stringify(args));
  if (bytes <= limit) return;
  throw new ServiceError(
    "payload_too_large",
    `The arguments are ${bytes.toLocaleString("en-US")} bytes of JSON; Toolgate accepts at most ${limit.toLocaleString("en-US")} bytes (${kib(limit)}) of arguments per call (TOOLGATE_MAX_ARGUMENTS_BYTES). Nothing was run or stored: send less, e.g. a reference to the data instead of the data.`,
    { limitBytes: limit, argumentsBytes: bytes },
  );
}

/**
 * Parses the envelope, turning every problem into one readable sentence (400 invalid_input), and
 * refuses arguments over the per-call limit (413 payload_too_large).
 */
export function parseEnvelope(body: unknown): CallEnvelope {
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw new ServiceError("invalid_input", 'The body must be a JSON object like {"integration": "…", "tool": "…", "arguments": {…}}.');
  const parsed = callEnvelopeSchema.safeParse(body);
  if (parsed.success) {
    assertArgumentsWithinLimit(parsed.data.arguments);
    return parsed.data;
  }
  const messages = parsed.error.issues.map((issue) => {
    const path = issue.path.join(".");
    if (issue.code === "unrecognized_keys")
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `"${key}"`).join(", ")}${path ? ` in ${path}` : ""}`;
    if (issue.code === "invalid_type")
      return `${path || "body"} must be ${issue.expected === "record" ? "an object" : issue.expected === "object" ? "an object" : `a ${issue.expected}`}`;
    return path && !issue.message.startsWith(path) ? `${path}: ${issue.message}` : issue.message;
  });
  throw new ServiceError("invalid_input", `Invalid request: ${messages.join("; ")}.`);
}
