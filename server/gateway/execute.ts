import type { IntegrationConfig, IntegrationKind } from "@/db/schema";
import { connectorFor } from "../integrations/connectors";
import type { ToolCallOutcome } from "../integrations/connectors/types";
import { openIntegrationSecrets } from "../integrations/credentials";
import { sanitizeForStorage } from "./storable";
import { observeUpstream } from "../telemetry/gateway-observation";
import { getEnv } from "../env";

export const DEFAULT_UPSTREAM_TIMEOUT_MS = 30_000;
/** Results larger than this are stored (and replayed) as a truncated preview. */
export const MAX_STORED_RESULT_BYTES = 64 * 1024;

export type UpstreamTarget = { id: string; kind: IntegrationKind; config: IntegrationConfig; secretCiphertext: string | null };

/**
 * Makes the upstream call with the integration's own decrypted credentials — never the agent's key
 * or any header the agent sent — and a timeout. Never throws for an upstream failure.
 */
export async function executeUpstream(
  target: UpstreamTarget,
  toolName: string,
  args: Record<string, unknown>,
  timeoutMs = upstreamTimeoutMs(),
): Promise<ToolCallOutcome> {
  return observeUpstream(async () => {
    try {
      const connector = connectorFor({ id: target.id, kind: target.kind, config: target.config, secrets: openIntegrationSecrets(target) });
      return await connector.callTool(toolName, args, { timeoutMs });
    } catch (error) {
      return { ok: false, message: error instanceof Error ? error.message : String(error), delivery: "unknown" };
    }
  });
}

export function upstreamTimeoutMs(): number {
  const configured = Number(getEnv().TOOLGATE_UPSTREAM_TIMEOUT_MS);
  return Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_UPSTREAM_TIMEOUT_MS;
}

/**
 * The stored form of a result: as is when small, else a preview marked truncated; either way with
 * anything PostgreSQL cannot hold (NUL, unpaired surrogates) replaced, so a result can always be
 * recorded. `replaced` says whether the stored form differs from what the agent received.
 */
export function storableResult(result: unknown): { value: unknown; replaced: boolean } {
  const { value, replaced } = sanitizeForStorage(result ?? null);
  const text = JSON.stringify(value);
  if (text.length <= MAX_STORED_RESULT_BYTES) return { value, replaced };
  return { value: { truncated: true, bytes: text.length, preview: text.slice(0, 4_096) }, replaced: true };
}
