import { sha256Hex } from "../tokens";
import type { DiscoveredTool } from "./connectors/types";

/** JSON with object keys sorted, so the same definition always hashes alike. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
}

/**
 * What a re-sync compares: description, input and output schemas and annotations (and the title).
 * A tool without an output schema hashes as it did before output schemas were kept.
 */
export function definitionHash(
  tool: Pick<DiscoveredTool, "title" | "description" | "inputSchema" | "annotations"> & { outputSchema?: Record<string, unknown> | null },
): string {
  return sha256Hex(
    canonicalJson({
      title: tool.title,
      description: tool.description,
      inputSchema: tool.inputSchema,
      outputSchema: tool.outputSchema ?? undefined,
      annotations: tool.annotations,
    }),
  );
}
