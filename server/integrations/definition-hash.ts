import { canonicalJson } from "../crypto/canonical-json";
import { sha256Hex } from "../crypto/tokens";
import type { DiscoveredTool } from "./connectors/types";

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
