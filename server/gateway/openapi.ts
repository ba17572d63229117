import { APPROVAL_KINDS, APPROVAL_STATUSES, CALL_STATUSES, TICKET_SYSTEMS, TOOL_POLICIES } from "@/db/schema";
import { APPROVAL_CHANNELS } from "../approvals/channel-words";
import { ERROR_CODES } from "../errors";
import { MAX_WAIT_SECONDS } from "./call-status";

/*
 * The agent API as OpenAPI 3.1 (served at /api/gateway/openapi.json; README "The agent API" says
 * the same in words). Every real response of the gateway tests is checked against this document
 * (test/openapi-contract.ts), with undeclared fields and headers refused there, so it cannot drift.
 * Response objects stay open here on purpose: a field added later must not break a client.
 */

type Schema = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` });
const json = (schema: Schema) => ({ "application/json": { schema } });
const dateTime = { type: "string", format: "date-time" };
const nullableDateTime = { type: ["string", "null"], format: "date-time" };

/** An error response: its codes in words, the Error body, and the headers it carries. */
const error = (codes: readonly string[], headers: Record<string, Schema> = {}) => ({
  description: codes.map((code) => `\`${code}\``).join(", "),
  headers,
  content: {
    "application/json": { schema: ref("Error"), example: { error: { code: codes[0], message: "A sentence that says what is wrong." } } },
  },
});
const unauthorized = () => error(["unauthorized"], { "WWW-Authenticate": headerRef("WWW-Authenticate") });
const unavailable = () => error(["database_unavailable"], { "Retry-After": headerRef("Retry-After") });
const internal = () => error(["internal_error"]);

/** A POST /api/gateway answer may be a replay of an earlier one with the same Idempotency-Key. */
const replayable = <T extends { description: string; headers?: Record<string, Schema> }>(response: T): T => ({
  ...response,
  headers: { ...response.headers, "Idempotent-Replayed": headerRef("Idempotent-Replayed") },
});

const callIdParameter = { name: "callId", in: "path", required: true, schema: { type: "string", pattern: "^call_" } };

const callProperties = {
  callId: { type: "string", description: "The call's id (`call_…`)." },
  status: { type: "string", enum: [...CALL_STATUSES] },
  result: { description: "The upstream tool's result, as it returned it (only when `status` is `succeeded`)." },
  error: ref("CallError"),
  statusUrl: { type: "string", description: "Where to read the call's status (GET, same key)." },
  expiresAt: { ...nullableDateTime, description: "When a call waiting for approval expires; null for others." },
};

export function gatewayOpenApi(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Toolgate gateway",
      version: "1.1.0",
      description:
        'Agents call tools through Toolgate, which enforces each tool\'s policy before any upstream request: `auto` runs at once, `approval_needed` waits for people, `disabled` is refused. Every error body is `{"error": {"code", "message"}}`. Responses may gain fields: ignore those you do not know.',
      license: { name: "Proprietary", identifier: "LicenseRef-Toolgate-Proprietary" },
    },
    servers: [{ url: serverUrl, description: "This Toolgate (TOOLGATE_URL)" }],
    security: [{ bearer: [] }],
    tags: [
      { name: "calls", description: "Calling tools and following the calls" },
      { name: "tools", description: "The agent's tool list" },
      { name: "meta", description: "This document and the MCP endpoint" },
    ],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "An agent API key (`tg_…`), from the Agents page." },
      },
      headers: {
        "WWW-Authenticate": {
          description: 'RFC 6750: `Bearer realm="toolgate", error="invalid_token", error_description="…"`.',
          required: true,
          schema: { type: "string", pattern: "^Bearer " },
        },
        "Retry-After": {
          description: "Seconds to wait before retrying.",
          required: true,
          schema: { type: "integer", minimum: 0 },
        },
        "Idempotent-Replayed": {
          description:
            "`true` when this answer is for an earlier request with the same Idempotency-Key and body: it gives that call's current state, and nothing ran again.",
          schema: { type: "string", enum: ["true"] },
        },
        ETag: {
          description: 'The toolset version as an entity tag (`"42"`): send it back in If-None-Match.',
          required: true,
          schema: { type: "string", pattern: '^"[0-9]+"$' },
        },
        "Cache-Control": { schema: { type: "string" } },
      },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: {
                code: { type: "string", enum: [...ERROR_CODES, "internal_error"] },
                message: { type: "string", description: "What went wrong and what to do, in words." },
                details: ref("ErrorDetails"),
              },
            },
          },
        },
        ErrorDetails: {
          type: "object",
          description: "Machine-readable detail for some codes; other codes may add fields later.",
          additionalProperties: true,
          properties: {
            errors: {
              type: "array",
              description: "`invalid_arguments`: each way the arguments miss the tool's input schema.",
              items: {
                type: "object",
                required: ["path", "message"],
                properties: {
                  path: { type: "string", description: "JSON Pointer into the arguments (`/` is the whole object)." },
                  message: { type: "string" },
                },
              },
            },
            limitBytes: { type: "integer", description: "`payload_too_large`: the limit on arguments." },
            argumentsBytes: { type: "integer", description: "`payload_too_large`: the size of the arguments sent." },
            status: { type: "string", enum: [...CALL_STATUSES], description: "`conflict` on cancel: the call's status now." },
          },
        },
        CallRequest: {
          type: "object",
          required: ["integration", "tool"],
          additionalProperties: false,
          properties: {
            integration: { type: "string", minLength: 1, maxLength: 200, description: "The integration's slug." },
            tool: { type: "string", minLength: 1, maxLength: 200, description: "The tool's name." },
            arguments: {
              type: "object",
              additionalProperties: true,
              description:
                "The tool's arguments, checked against its input JSON Schema (absent means `{}`). At most TOOLGATE_MAX_ARGUMENTS_BYTES (64 KiB by default) of JSON: more is refused with 413 payload_too_large.",
            },
            requester: {
              type: "object",
              required: ["email"],
              additionalProperties: false,
              properties: { email: { type: "string", format: "email", maxLength: 320 } },
              description:
                "The person the call is for. Required when the tool has Manager Approval (or send Toolgate-Requester); a connected ticket's reporter decides over it.",
            },
            ticket: {
              type: "object",
              required: ["system", "id"],
              additionalProperties: false,
              properties: {
                system: { type: "string", enum: [...TICKET_SYSTEMS] },
                id: { type: "string", minLength: 1, maxLength: 100 },
              },
            },
            reason: { type: "string", maxLength: 2000, description: "Shown to the approvers." },
          },
        },
        Approval: {
          type: "object",
          required: ["kind", "status"],
          properties: {
            kind: { type: "string", enum: [...APPROVAL_KINDS] },
            status: { type: "string", enum: [...APPROVAL_STATUSES] },
            decidedAt: { ...nullableDateTime, description: "When it was approved, denied, expired or cancelled (status reads only)." },
            escalated: {
              type: "boolean",
              description:
                "Status reads only: true once the request, unanswered for the MSP's escalation time, was escalated to more people (an escalation group, a Slack channel, the admins). It still waits for a decision.",
            },
            channels: {
              type: "array",
              items: { type: "string", enum: [...APPROVAL_CHANNELS] },
              description:
                "In the 202 of a new call: where the request was really sent, from what the MSP has set up. `inbox` alone means nobody was notified: the request waits until a technician opens Approvals.",
            },
          },
        },
        CallError: {
          type: "object",
          required: ["code", "message"],
          properties: {
            code: {
              type: "string",
              description:
                "Why the call ended without a result: `upstream_failed` (the upstream answered with an error), `upstream_unreachable` (an approved call that never reached the upstream; an admin may run it again), `outcome_unknown` (the upstream may have acted), `denied`, `expired`, `cancelled`, or the code it was refused with.",
            },
            message: { type: ["string", "null"] },
          },
        },
        Call: {
          type: "object",
          description:
            "The answer to a tool call. `result` when it succeeded; `error` when it failed or ended; `approvals`, `statusUrl` and `expiresAt` while it waits for approval.",
          required: ["callId", "status"],
          properties: {
            ...callProperties,
            approvals: { type: "array", items: ref("Approval") },
            grant: {
              type: "object",
              description:
                "Only when a standing grant let the call run at once instead of asking (an approver chose “allow this again”): the grant, who gave it, and the call's record in words.",
              required: ["id", "approvedBy", "ranAs"],
              properties: {
                id: { type: "string", description: "The grant's id (`grt_…`)." },
                approvedBy: { type: "string", description: "Who granted it." },
                ranAs: { type: "string", description: "How the call is recorded: `auto by grant G, approved by X`." },
              },
            },
          },
        },
        CallState: {
          type: "object",
          description: "A call as GET /api/gateway/calls/{callId} and cancel report it.",
          required: ["callId", "status", "integration", "tool", "approvals", "createdAt", "expiresAt", "finishedAt", "statusUrl"],
          properties: {
            ...callProperties,
            integration: { type: "string", description: "The integration's slug, as called." },
            tool: { type: "string", description: "The tool's name, as called." },
            approvals: { type: "array", items: ref("Approval") },
            denial: {
              type: "object",
              description: "Only when `status` is `denied`: who denied it, and their comment.",
              required: ["kind", "comment", "reason"],
              properties: {
                kind: { type: ["string", "null"], enum: [...APPROVAL_KINDS, null] },
                comment: { type: ["string", "null"] },
                reason: {
                  type: ["string", "null"],
                  enum: ["not_my_report", null],
                  description: "`not_my_report`: the manager said the requester does not report to them.",
                },
              },
            },
            createdAt: { ...dateTime, description: "When the call arrived (the database's clock)." },
            finishedAt: { ...nullableDateTime, description: "When it reached a final status; never before `createdAt`." },
          },
        },
        JsonRpcError: {
          type: "object",
          required: ["jsonrpc", "error", "id"],
          properties: {
            jsonrpc: { type: "string", enum: ["2.0"] },
            error: {
              type: "object",
              required: ["code", "message"],
              properties: { code: { type: "integer" }, message: { type: "string" } },
            },
            id: { type: ["string", "integer", "null"] },
          },
        },
        ToolAnnotations: {
          type: "object",
          description:
            "MCP tool annotations that agree with Toolgate's classification and the tool's policy: never read-only for a write or for a tool that needs approval.",
          additionalProperties: true,
          properties: {
            title: { type: "string" },
            readOnlyHint: { type: "boolean" },
            destructiveHint: { type: "boolean" },
            idempotentHint: { type: "boolean" },
            openWorldHint: { type: "boolean" },
          },
        },
        Tool: {
          type: "object",
          required: ["integration", "name", "title", "description", "inputSchema", "annotations", "policy", "managerApproval"],
          properties: {
            integration: { type: "string", description: "The integration's slug: send it as `integration`." },
            name: { type: "string", description: "The tool's name: send it as `tool`." },
            title: { type: ["string", "null"], description: "A human-readable name, when the upstream gave one." },
            description: { type: "string" },
            inputSchema: { type: "object", additionalProperties: true, description: "The tool's arguments as JSON Schema." },
            annotations: ref("ToolAnnotations"),
            policy: {
              type: "string",
              enum: TOOL_POLICIES.filter((policy) => policy !== "disabled"),
              description: "`auto` runs at once; `approval_needed` waits for people (202). Disabled tools are not listed.",
            },
            managerApproval: { type: "boolean", description: "The requester's manager must approve too: name a requester." },
          },
        },
        ToolList: {
          type: "object",
          required: ["version", "tools"],
          properties: {
            version: { type: "integer", description: "The workspace's toolset version; also the ETag." },
            tools: { type: "array", items: ref("Tool") },
          },
        },
      },
    },
    paths: {
      "/api/gateway": {
        post: {
          operationId: "callTool",
          tags: ["calls"],
          summary: "Call a tool",
          description:
            "Runs an `auto` tool at once (200, or 502 when the upstream failed); creates approval requests for an `approval_needed` tool (202: poll `statusUrl`); refuses a disabled one (403) before any upstream request.",
          parameters: [
            {
              name: "Idempotency-Key",
              in: "header",
              required: false,
              schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x21-\\x7e]+$" },
              description:
                "The same key and body within 24 h answers with that call's current state (`Idempotent-Replayed: true`) without running it again.",
            },
            {
              name: "Toolgate-Requester",
              in: "header",
              required: false,
              schema: { type: "string", format: "email" },
              description: "The requester's e-mail, for frameworks that cannot set the body's `requester`.",
            },
            {
              name: "Toolgate-Ticket",
              in: "header",
              required: false,
              schema: { type: "string", pattern: "^(jira|connectwise):.{1,100}$" },
              description: "`jira:HELP-42` or `connectwise:12345`.",
            },
            { name: "Toolgate-Reason", in: "header", required: false, schema: { type: "string", maxLength: 2000 } },
            {
              name: "Toolgate-Mode",
              in: "header",
              required: false,
              schema: { type: "string", enum: ["plan"] },
              description: "`plan`: this call may only use a tool that runs at once and is classified read-only (else 403 `plan_mode`).",
            },
          ],
          requestBody: { required: true, content: json(ref("CallRequest")) },
          responses: {
            "200": replayable({
              description: "`auto`: it ran upstream (or a replay of a call that has ended).",
              content: json(ref("Call")),
            }),
            "202": replayable({ description: "`approval_needed`: waiting for approval; poll `statusUrl`.", content: json(ref("Call")) }),
            "400": replayable(error(["invalid_input", "invalid_json", "invalid_arguments", "schema_unsupported", "requester_conflict"])),
            "401": unauthorized(),
            "403": replayable(error(["tool_disabled", "plan_mode", "agent_paused", "integration_paused"])),
            "404": replayable(error(["unknown_tool"])),
            "409": replayable(
              error(["idempotency_in_flight", "conflict"], {
                "Retry-After": {
                  description: "`idempotency_in_flight`: seconds until the first request is likely done.",
                  schema: { type: "integer", minimum: 0 },
                },
              }),
            ),
            "413": error(["payload_too_large"]),
            "415": error(["unsupported_media_type"]),
            "422": replayable(error(["idempotency_key_reused", "requester_manager_unknown", "manager_unreachable", "requester_mismatch"])),
            "429": replayable(
              error(["too_many_pending_approvals", "rate_limited"], {
                "Retry-After": {
                  description: "`rate_limited`: seconds until the limit's window resets.",
                  schema: { type: "integer", minimum: 1 },
                },
              }),
            ),
            "500": internal(),
            "502": replayable({ description: "The upstream failed: `status` is `failed`, `error` says why.", content: json(ref("Call")) }),
            "503": unavailable(),
          },
        },
      },
      "/api/gateway/tools": {
        get: {
          operationId: "listTools",
          tags: ["tools"],
          summary: "The agent's tool list",
          description:
            'Disabled and removed tools never appear. The ETag is the toolset version: send it back in If-None-Match (weak comparison, RFC 9110: `W/"42"`, lists and `*` work) to get 304 while nothing changed.',
          parameters: [
            { name: "If-None-Match", in: "header", required: false, schema: { type: "string" } },
            {
              name: "Toolgate-Mode",
              in: "header",
              required: false,
              schema: { type: "string", enum: ["plan"] },
              description: "`plan`: list only the tools callable in plan mode.",
            },
          ],
          responses: {
            "200": {
              description: "The tools this agent may call now.",
              headers: { ETag: headerRef("ETag"), "Cache-Control": headerRef("Cache-Control") },
              content: json(ref("ToolList")),
            },
            "304": {
              description: "Unchanged since the ETag sent in If-None-Match.",
              headers: { ETag: headerRef("ETag"), "Cache-Control": headerRef("Cache-Control") },
            },
            "401": unauthorized(),
            "403": error(["agent_paused"]),
            "500": internal(),
            "503": unavailable(),
          },
        },
      },
      "/api/gateway/calls/{callId}": {
        get: {
          operationId: "getCall",
          tags: ["calls"],
          summary: "A call's status; with `wait`, a long-poll",
          parameters: [
            callIdParameter,
            {
              name: "wait",
              in: "query",
              required: false,
              schema: { type: "integer", minimum: 0, maximum: MAX_WAIT_SECONDS },
              description: `Seconds to wait for the status to change before answering (0–${MAX_WAIT_SECONDS}); it answers as soon as it changes. More than ${MAX_WAIT_SECONDS} is refused with 400 invalid_input.`,
            },
          ],
          responses: {
            "200": { description: "The call.", headers: { "Cache-Control": headerRef("Cache-Control") }, content: json(ref("CallState")) },
            "400": error(["invalid_input"]),
            "401": unauthorized(),
            "404": error(["not_found"]),
            "500": internal(),
            "503": unavailable(),
          },
        },
      },
      "/api/gateway/calls/{callId}/cancel": {
        post: {
          operationId: "cancelCall",
          tags: ["calls"],
          summary: "Withdraw a call still waiting for approval",
          parameters: [callIdParameter],
          responses: {
            "200": {
              description: "Withdrawn: `status` is `cancelled`, and so are its pending approvals.",
              content: json(ref("CallState")),
            },
            "401": unauthorized(),
            "404": error(["not_found"]),
            "409": error(["conflict"]),
            "500": internal(),
            "503": unavailable(),
          },
        },
      },
      "/api/gateway/openapi.json": {
        get: {
          operationId: "getOpenApiDocument",
          tags: ["meta"],
          summary: "This document",
          security: [],
          responses: {
            "200": {
              description: "OpenAPI 3.1",
              headers: { "Cache-Control": headerRef("Cache-Control") },
              content: json({ type: "object", additionalProperties: true }),
            },
          },
        },
      },
      "/api/mcp": {
        post: {
          operationId: "mcp",
          tags: ["meta"],
          summary: "The same gateway over the Model Context Protocol (Streamable HTTP)",
          description: "JSON-RPC 2.0 per the MCP specification; send `Accept: application/json, text/event-stream`.",
          requestBody: { required: true, content: json({ type: "object", additionalProperties: true }) },
          responses: {
            "200": {
              description: "A JSON-RPC response, as JSON or as an event stream.",
              content: { ...json({ type: "object", additionalProperties: true }), "text/event-stream": { schema: { type: "string" } } },
            },
            "401": {
              description: "A missing, unknown, retired or revoked key (a JSON-RPC error, as MCP clients expect).",
              headers: { "WWW-Authenticate": headerRef("WWW-Authenticate") },
              content: json(ref("JsonRpcError")),
            },
          },
        },
      },
    },
  };
}
