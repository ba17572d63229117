import type { tools } from "@/db/schema";
import { classify, revealsSecrets } from "../policy/classify";
import { REQUESTER_ARGUMENT } from "../gateway/call-hints";
import { findUnsupportedPattern } from "../gateway/linear-regexp";
import type { DiscoveredTool } from "./connectors/types";
import { definitionHash } from "./definition-hash";

export const MAX_TOOLS_PER_INTEGRATION = 5_000;
const MAX_SCHEMA_BYTES = 64 * 1024;

/** Tools Toolgate will not take: their schema already uses the argument it reserves for the requester. */
export function refusedTools(tools: DiscoveredTool[]): Array<{ name: string; reason: string }> {
  return tools
    .filter((tool) => usesReservedArgument(tool))
    .map((tool) => ({
      name: tool.name,
      reason: `its input schema has an argument named "${REQUESTER_ARGUMENT}", which Toolgate reserves for the requester's e-mail`,
    }));
}

const usesReservedArgument = (tool: DiscoveredTool) =>
  Object.prototype.hasOwnProperty.call((tool.inputSchema?.properties as Record<string, unknown> | undefined) ?? {}, REQUESTER_ARGUMENT);

/**
 * Drops duplicate names (the first wins) and tools Toolgate refuses (see `refusedTools`), and
 * bounds what one upstream can make us store.
 */
export function normaliseDiscoveredTools(tools: DiscoveredTool[]): DiscoveredTool[] {
  const seen = new Set<string>();
  const out: DiscoveredTool[] = [];
  for (const tool of tools) {
    if (!tool.name || tool.name.length > 128 || seen.has(tool.name) || usesReservedArgument(tool)) continue;
    seen.add(tool.name);
    const schema =
      JSON.stringify(tool.inputSchema ?? {}).length > MAX_SCHEMA_BYTES
        ? { type: "object", description: "schema too large to store" }
        : tool.inputSchema;
    const outputSchema =
      tool.outputSchema && typeof tool.outputSchema === "object" && JSON.stringify(tool.outputSchema).length <= MAX_SCHEMA_BYTES
        ? tool.outputSchema
        : null;
    out.push({
      ...tool,
      description: (tool.description ?? "").slice(0, 4_000),
      title: tool.title?.slice(0, 200) ?? null,
      inputSchema: schema ?? { type: "object" },
      outputSchema,
    });
    if (out.length >= MAX_TOOLS_PER_INTEGRATION) break;
  }
  return out;
}

/**
 * The row for a newly discovered tool: its definition and its seeded default policy with the reason.
 * A tool whose input schema has a pattern the linear-time engine refuses is flagged for review at
 * once (its calls are refused with schema_unsupported), and the reason says so.
 */
export function seededToolRow(workspaceId: string, integrationId: string, tool: DiscoveredTool): typeof tools.$inferInsert {
  const { policy, reason } = classify(tool);
  const unsupported = findUnsupportedPattern(tool.inputSchema);
  return {
    workspaceId,
    integrationId,
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: tool.inputSchema,
    outputSchema: tool.outputSchema ?? null,
    annotations: tool.annotations,
    definitionHash: definitionHash(tool),
    policy,
    managerApproval: false,
    seededPolicy: policy,
    seededReason: unsupported
      ? `${reason}; its input schema cannot be checked (${unsupported.message}), so calls are refused until its server changes it`
      : reason,
    flaggedAt: unsupported ? new Date() : null,
    sensitiveResult: revealsSecrets(tool) !== null,
  };
}

export function countByPolicy(rows: Array<{ policy: string }>): Record<string, number> {
  const counts: Record<string, number> = { auto: 0, approval_needed: 0, disabled: 0 };
  for (const row of rows) counts[row.policy] = (counts[row.policy] ?? 0) + 1;
  return counts;
}
