import { MultiServerMCPClient } from "@langchain/mcp-adapters";

/** The README's LangChain snippet (`@langchain/mcp-adapters`): list Toolgate's tools and call one directly. */
export async function viaLangChain(
  toolgateUrl: string,
  apiKey: string,
  requester: string,
  toolName: string,
  args: Record<string, unknown>,
) {
  const client = new MultiServerMCPClient({
    mcpServers: {
      toolgate: {
        transport: "http",
        url: `${toolgateUrl}/api/mcp`,
        headers: { Authorization: `Bearer ${apiKey}`, "Toolgate-Requester": requester },
      },
    },
  });
  try {
    const tools = await client.getTools(); // LangChain tools: hand them to createAgent({ tools }) or bindTools()
    const result = await tools.find((tool) => tool.name === toolName)!.invoke(args);
    return { names: tools.map((tool) => tool.name), result: result as unknown };
  } finally {
    await client.close();
  }
}
