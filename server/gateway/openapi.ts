import { CALL_STATUSES } from "@/db/schema";

const error = (codes: string[]) => ({
  description: codes.join(", "),
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" }, example: { error: { code: codes[0], message: "…" } } } },
});

/** The agent API as OpenAPI 3.1 (served at /api/gateway/openapi.json; README.md says the same in words). */
export function gatewayOpenApi(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Toolgate gateway",
      version: "1.0.0",
      description:
        "Agents call tools through Toolgate, which enforces each tool's policy before any upstream request: `auto` runs at once, `approval_needed` waits for people, `disabled` is refused.",
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An agent API key (tg_…)." } },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: { code: { type: "string" }, message: { type: "string" }, details: { type: "object" } },
            },
          },
        },
        CallRequest: {
          type: "object",
          required: ["integration", "tool"],
          additionalProperties: false,
          properties: {
            integration: { type: "string", description: "The integration's slug." },
            tool: { type: "string", description: "The tool's name." },
            arguments: {
              type: "object",
              description:
                "Checked against the tool's input JSON Schema. At most TOOLGATE_MAX_ARGUMENTS_BYTES (64 KiB by default) of JSON: more is refused with 413 payload_too_large.",
              default: {},
            },
            requester: {
              type: "object",
              required: ["email"],
              properties: { email: { type: "string", format: "email" } },
              description: "Required when the tool has Manager Approval.",
            },
            ticket: {
              type: "object",
              required: ["system", "id"],
              properties: { system: { enum: ["jira", "connectwise"] }, id: { type: "string" } },
            },
            reason: { type: "string", maxLength: 2000 },
          },
        },
        Approval: {
          type: "object",
          properties: {
            kind: { enum: ["technician", "manager"] },
            status: { enum: ["pending", "approved", "denied", "expired", "cancelled"] },
          },
        },
        Call: {
          type: "object",
          properties: {
            callId: { type: "string" },
            status: { enum: [...CALL_STATUSES] },
            approvals: { type: "array", items: { $ref: "#/components/schemas/Approval" } },
            result: {},
            error: { type: "object" },
            statusUrl: { type: "string" },
            expiresAt: { type: ["string", "null"], format: "date-time" },
          },
        },
      },
    },
    paths: {
      "/api/gateway": {
        post: {
          summary: "Call a tool",
          parameters: [
            {
              name: "Idempotency-Key",
              in: "header",
              required: false,
              schema: { type: "string", maxLength: 255 },
              description: "Same key and body within 24 h returns the stored outcome.",
            },
            {
              name: "Toolgate-Mode",
              in: "header",
              required: false,
              schema: { type: "string", enum: ["plan"] },
              description: "plan: this call may only use a tool that runs at once and is classified read-only (else 403 plan_mode).",
            },
          ],
          requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/CallRequest" } } } },
          responses: {
            "200": {
              description: "auto: ran upstream",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Call" } } },
            },
            "202": {
              description: "approval_needed: waiting for approval; poll statusUrl",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Call" } } },
            },
            "400": error(["invalid_input", "invalid_json", "invalid_arguments", "schema_unsupported"]),
            "401": error(["unauthorized"]),
            "403": error(["tool_disabled", "plan_mode", "agent_paused", "integration_paused"]),
            "404": error(["unknown_tool"]),
            "409": error(["idempotency_in_flight"]),
            "413": error(["payload_too_large"]),
            "415": error(["unsupported_media_type"]),
            "422": error(["idempotency_key_reused", "requester_manager_unknown", "manager_unreachable", "requester_mismatch"]),
            "429": error(["too_many_pending_approvals", "rate_limited"]),
            "502": {
              description: "The upstream failed: status failed with its error message",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Call" } } },
            },
            "503": error(["database_unavailable"]),
          },
        },
      },
      "/api/gateway/tools": {
        get: {
          summary: "The agent's tool list (disabled and removed tools never appear)",
          parameters: [{ name: "If-None-Match", in: "header", schema: { type: "string" } }],
          responses: {
            "200": { description: "`{version, tools[]}`; ETag is the version" },
            "304": { description: "Unchanged" },
            "401": error(["unauthorized"]),
            "403": error(["agent_paused"]),
          },
        },
      },
      "/api/gateway/calls/{callId}": {
        get: {
          summary: "A call's status; with wait=N (≤ 60) returns as soon as it changes",
          parameters: [
            { name: "callId", in: "path", required: true, schema: { type: "string" } },
            { name: "wait", in: "query", schema: { type: "integer", minimum: 0, maximum: 60 } },
          ],
          responses: {
            "200": { description: "The call", content: { "application/json": { schema: { $ref: "#/components/schemas/Call" } } } },
            "404": error(["not_found"]),
          },
        },
      },
      "/api/gateway/calls/{callId}/cancel": {
        post: {
          summary: "Withdraw a call still waiting for approval",
          parameters: [{ name: "callId", in: "path", required: true, schema: { type: "string" } }],
          responses: { "200": { description: "Cancelled" }, "409": error(["conflict"]), "404": error(["not_found"]) },
        },
      },
      "/api/mcp": {
        post: {
          summary: "The same gateway over the Model Context Protocol (Streamable HTTP)",
          responses: { "200": { description: "JSON-RPC" } },
        },
      },
    },
  };
}
