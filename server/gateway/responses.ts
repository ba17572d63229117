import type { ErrorCode } from "../errors";
import { HTTP_STATUS } from "../http";

/** What the gateway answers, independent of transport (HTTP route or MCP tool result). */
export type GatewayResponse = { status: number; body: Record<string, unknown>; headers?: Record<string, string> };

export function errorBody(code: ErrorCode, message: string, details?: Record<string, unknown>): GatewayResponse {
  return { status: HTTP_STATUS[code], body: { error: { code, message, ...(details ? { details } : {}) } } };
}

export const statusUrlOf = (callId: string) => `/api/gateway/calls/${callId}`;
