import { WebClient, type WebAPICallResult } from "@slack/web-api";
import type { ToolAnnotations } from "@/db/schema";
import { getEnv } from "../../env";
import { outboundFetch } from "../../net/outbound-fetch";
import { UpstreamError, type Connector, type DiscoveredTool } from "./types";

type SlackTool = DiscoveredTool & { method: string; toArgs?: (args: Record<string, unknown>) => Record<string, unknown> };

const channel = { type: "string", minLength: 1, description: "Channel id, e.g. C0123456789" } as const;
const readOnly: ToolAnnotations = { readOnlyHint: true, openWorldHint: true };
const write: ToolAnnotations = { readOnlyHint: false, destructiveHint: false, openWorldHint: true };
const schema = (properties: Record<string, unknown>, required: string[]) => ({
  type: "object",
  properties,
  required,
  additionalProperties: false,
});

/** The Slack tools Toolgate offers, each one Web API method. */
export const SLACK_TOOLS: SlackTool[] = [
  {
    name: "lookup_user_by_email",
    title: "Look up Slack user by e-mail",
    description: "Find a Slack user by e-mail address (users.lookupByEmail).",
    inputSchema: schema({ email: { type: "string", format: "email" } }, ["email"]),
    annotations: readOnly,
    method: "users.lookupByEmail",
  },
  {
    name: "list_channels",
    title: "List channels",
    description: "List public (and optionally private) channels (conversations.list).",
    inputSchema: schema(
      {
        types: { type: "string", enum: ["public_channel", "private_channel", "public_channel,private_channel"] },
        limit: { type: "integer", minimum: 1, maximum: 1000 },
        cursor: { type: "string" },
      },
      [],
    ),
    annotations: readOnly,
    method: "conversations.list",
  },
  {
    name: "get_channel_info",
    title: "Get channel info",
    description: "Name, topic, purpose and member count of a channel (conversations.info).",
    inputSchema: schema({ channel }, ["channel"]),
    annotations: readOnly,
    method: "conversations.info",
    toArgs: (args) => ({ ...args, include_num_members: true }),
  },
  {
    name: "post_message",
    title: "Post message",
    description: "Post a message to a channel or DM (chat.postMessage).",
    inputSchema: schema({ channel, text: { type: "string", minLength: 1, maxLength: 40_000 } }, ["channel", "text"]),
    annotations: write,
    method: "chat.postMessage",
  },
  {
    name: "invite_to_channel",
    title: "Invite user to channel",
    description: "Invite one or more users to a channel (conversations.invite).",
    inputSchema: schema({ channel, users: { type: "string", minLength: 1, description: "Comma-separated user ids" } }, [
      "channel",
      "users",
    ]),
    annotations: write,
    method: "conversations.invite",
  },
  {
    name: "set_channel_topic",
    title: "Set channel topic",
    description: "Set a channel's topic (conversations.setTopic).",
    inputSchema: schema({ channel, topic: { type: "string", maxLength: 250 } }, ["channel", "topic"]),
    annotations: write,
    method: "conversations.setTopic",
  },
];

/** A Web API client for a bot token, pointed at SLACK_API_URL when set (tests use a local stub). */
export function slackClient(botToken: string, options: { retries?: number; timeoutMs?: number } = {}): WebClient {
  const slackApiUrl = getEnv().SLACK_API_URL;
  return new WebClient(botToken, {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    // Every request to the Slack API (SLACK_API_URL included) connects through the outbound guard.
    fetch: outboundFetch,
    allowAbsoluteUrls: false,
    retryConfig: { retries: options.retries ?? 0 },
    timeout: options.timeoutMs ?? 30_000,
    rejectRateLimitedCalls: true,
  });
}

function describeSlackError(error: unknown): UpstreamError {
  const data = (error as { data?: { error?: string }; code?: string }).data;
  const code = (error as { code?: string }).code;
  if (
    data?.error === "invalid_auth" ||
    data?.error === "not_authed" ||
    data?.error === "account_inactive" ||
    data?.error === "token_revoked"
  ) {
    return new UpstreamError(`Slack refused the bot token (${data.error}).`, "unauthorized");
  }
  if (data?.error) return new UpstreamError(`Slack answered: ${data.error}.`, "refused");
  if (code === "slack_webapi_rate_limited_error")
    return new UpstreamError("Slack is rate-limiting this token; try again shortly.", "refused");
  if (code === "slack_webapi_request_error") return new UpstreamError(`Could not reach Slack: ${(error as Error).message}`, "unreachable");
  return new UpstreamError(`Slack: ${error instanceof Error ? error.message : String(error)}`, "refused");
}

function withoutMetadata(result: WebAPICallResult): Record<string, unknown> {
  const { response_metadata: _metadata, ok: _ok, ...rest } = result;
  return rest;
}

/** Slack through @slack/web-api. Discovery checks the token with auth.test. */
export function slackConnector(botToken: string): Connector {
  return {
    async listTools() {
      try {
        await slackClient(botToken, { timeoutMs: 15_000 }).auth.test();
      } catch (error) {
        throw describeSlackError(error);
      }
      return SLACK_TOOLS.map(({ method: _method, toArgs: _toArgs, ...tool }) => tool);
    },
    async callTool(name, args, { timeoutMs }) {
      const tool = SLACK_TOOLS.find((candidate) => candidate.name === name);
      if (!tool) return { ok: false, message: `Slack has no tool ${name}.` };
      try {
        const result = await slackClient(botToken, { timeoutMs }).apiCall(tool.method, tool.toArgs ? tool.toArgs(args) : args);
        return { ok: true, result: withoutMetadata(result) };
      } catch (error) {
        return { ok: false, message: describeSlackError(error).message };
      }
    },
  };
}
