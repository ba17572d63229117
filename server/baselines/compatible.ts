import type { IntegrationConfig, IntegrationKind } from "@/db/schema";

/**
 * What "the same kind" of integration means for a baseline, in one place: two integrations may
 * follow one baseline when their keys are equal. Their tools then share names and meaning:
 * every demo directory, every Jira, every ConnectWise, every Slack; MCP servers only when they
 * are reached at the same URL path (one product, hosted per client on different hosts).
 */
export function compatibilityKey(integration: { kind: IntegrationKind; config: IntegrationConfig }): string {
  if (integration.kind !== "mcp") return integration.kind;
  return `mcp:${mcpPath(integration.config.url)}`;
}

/** The path of an MCP server's URL, without a trailing slash; "/" for none or one that does not parse. */
function mcpPath(url: string | undefined): string {
  if (!url) return "/";
  try {
    const path = new URL(url).pathname.replace(/\/+$/, "");
    return path === "" ? "/" : path;
  } catch {
    return "/";
  }
}

/** The key in words, for the baseline page ("MCP servers at /mcp"). */
export function describeCompatibility(key: string): string {
  if (key.startsWith("mcp:")) return `MCP servers at ${key.slice(4)}`;
  const words: Record<string, string> = {
    demo_directory: "Demo directories",
    jira: "Jira",
    connectwise: "ConnectWise Manage",
    slack: "Slack",
  };
  return words[key] ?? key;
}
