import type { NewToolStart, ToolPolicy, tools } from "@/db/schema";
import { assertNever } from "../errors";
import { classify, revealsSecrets, type SeededPolicy } from "../policy/classify";
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

/** A changed definition's classification, as the tool row stores it (snake case, for a bulk update). */
export function reclassified(tool: DiscoveredTool) {
  const { policy, reason, managerApprovalSuggested, review } = classify(tool);
  return { seeded_policy: policy, seeded_reason: reason, manager_approval_suggested: managerApprovalSuggested, review_note: review };
}

/** What a tool starts as under the workspace's choice for a new integration, with the words that say why. */
function startingPolicy(seeded: SeededPolicy, start: NewToolStart): { policy: ToolPolicy; note: string } {
  switch (start) {
    case "classified":
      return { policy: seeded, note: "" };
    case "approval_needed":
      return {
        policy: "approval_needed",
        note: seeded === "auto" ? "; started needing approval (the workspace's choice when connecting)" : "",
      };
    case "disabled":
      return { policy: "disabled", note: "; started disabled until reviewed (the workspace's choice when connecting)" };
    default:
      return assertNever(start);
  }
}

/**
 * The row for a newly discovered tool: its definition and its seeded default policy with the reason
 * (and whether Manager Approval is suggested, and why it wants review). `start` is the admin's choice
 * for a new integration: as classified, every tool needing approval, or every tool disabled until
 * reviewed; the seeded policy stays the classification ("restore default" returns to it).
 * A tool whose input schema has a pattern the linear-time engine refuses is flagged for review at
 * once (its calls are refused with schema_unsupported), and the reason says so.
 */
export function seededToolRow(
  workspaceId: string,
  integrationId: string,
  tool: DiscoveredTool,
  start: NewToolStart = "classified",
): typeof tools.$inferInsert {
  const { policy: seeded, reason, managerApprovalSuggested, review } = classify(tool);
  const { policy, note } = startingPolicy(seeded, start);
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
    seededPolicy: seeded,
    seededReason: unsupported
      ? `${reason}${note}; its input schema cannot be checked (${unsupported.message}), so calls are refused until its server changes it`
      : `${reason}${note}`,
    managerApprovalSuggested,
    reviewNote: review,
    flaggedAt: unsupported ? new Date() : null,
    sensitiveResult: revealsSecrets(tool) !== null,
  };
}

export function countByPolicy(rows: Array<{ policy: string }>): Record<string, number> {
  const counts: Record<string, number> = { auto: 0, approval_needed: 0, disabled: 0 };
  for (const row of rows) counts[row.policy] = (counts[row.policy] ?? 0) + 1;
  return counts;
}
