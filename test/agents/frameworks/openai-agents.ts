import { MCPServerStreamableHttp } from "@openai/agents";

/** The README's OpenAI Agents SDK snippet (`@openai/agents`): list Toolgate's tools and call one directly. */
export async function viaOpenAiAgents(
  toolgateUrl: string,
  apiKey: string,
  requester: string,
  toolName: string,
  args: Record<string, unknown>,
) {
  const toolgate = new MCPServerStreamableHttp({
    name: "toolgate",
    url: `${toolgateUrl}/api/mcp`,
    requestInit: { headers: { Authorization: `Bearer ${apiKey}`, "Toolgate-Requester": requester } },
  });
  await toolgate.connect();
  try {
    const tools = await toolgate.listTools(); // or new Agent({ mcpServers: [toolgate] })
    const result = await toolgate.callTool(toolName, args);
    return { names: tools.map((tool) => tool.name), result: result as unknown };
  } finally {
    await toolgate.close();
  }
}
