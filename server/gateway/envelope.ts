import { z } from "zod";
import { TICKET_SYSTEMS } from "@/db/schema";
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

/** Parses the envelope, turning every problem into one readable sentence (400 invalid_input). */
export function parseEnvelope(body: unknown): CallEnvelope {
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw new ServiceError("invalid_input", 'The body must be a JSON object like {"integration": "…", "tool": "…", "arguments": {…}}.');
  const parsed = callEnvelopeSchema.safeParse(body);
  if (parsed.success) return parsed.data;
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
