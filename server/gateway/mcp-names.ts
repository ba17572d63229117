import { sha256Hex } from "../tokens";

const MAX = 64;

/**
 * MCP tool names for an agent's tools: `<integration slug>__<tool>`, reduced to
 * `^[A-Za-z0-9_-]{1,64}$` (what LLM providers accept). A rare collision (or an over-long name)
 * gets a stable suffix derived from the full name, so names do not change between requests.
 */
export function mcpToolNames(tools: Array<{ integration: string; name: string }>): Map<string, { integration: string; name: string }> {
  const out = new Map<string, { integration: string; name: string }>();
  const base = tools.map((tool) => ({ tool, name: `${tool.integration}__${tool.name}`.replace(/[^A-Za-z0-9_-]/g, "_") }));
  const counts = new Map<string, number>();
  for (const { name } of base) counts.set(name.slice(0, MAX), (counts.get(name.slice(0, MAX)) ?? 0) + 1);
  for (const { tool, name } of base) {
    const exact = `${tool.integration}__${tool.name}`;
    const clean = name === exact && name.length <= MAX && counts.get(name) === 1;
    const finalName = clean ? name : `${name.slice(0, MAX - 9)}_${sha256Hex(exact).slice(0, 8)}`;
    out.set(finalName, tool);
  }
  return out;
}
