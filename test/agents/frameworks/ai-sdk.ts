import { createMCPClient } from "@ai-sdk/mcp";

/** The README's Vercel AI SDK snippet (`@ai-sdk/mcp`): list Toolgate's tools and call one directly. */
export async function viaAiSdk(toolgateUrl: string, apiKey: string, requester: string, toolName: string, args: Record<string, unknown>) {
  const mcp = await createMCPClient({
    transport: {
      type: "http",
      url: `${toolgateUrl}/api/mcp`,
      headers: { Authorization: `Bearer ${apiKey}`, "Toolgate-Requester": requester },
    },
  });
  try {
    const tools = await mcp.tools(); // AI SDK tools: hand them to generateText({ tools })
    const result = await tools[toolName]!.execute(args, { toolCallId: "call-1", messages: [] });
    return { names: Object.keys(tools), result: result as unknown };
  } finally {
    await mcp.close();
  }
}
