import { describe, expect, it } from "vitest";
import { viaAiSdk } from "./frameworks/ai-sdk";
import { viaLangChain } from "./frameworks/langchain";
import { viaOpenAiAgents } from "./frameworks/openai-agents";
import { reportLatency, type AgentsWorld } from "./world";

/*
 * The README's snippets for LangChain, the Vercel AI SDK and the OpenAI Agents SDK, run against a
 * production build: each lists Toolgate's tools with its library's MCP client and calls one
 * directly (no model needed), naming the requester by header.
 */

export function describeFrameworkSnippets(world: () => AgentsWorld) {
  describe.each([
    { library: "LangChain (@langchain/mcp-adapters)", run: viaLangChain, requester: "ann+langchain@client-a.test" },
    { library: "the Vercel AI SDK (@ai-sdk/mcp)", run: viaAiSdk, requester: "ann+ai-sdk@client-a.test" },
    { library: "the OpenAI Agents SDK (@openai/agents)", run: viaOpenAiAgents, requester: "ann+openai@client-a.test" },
  ])("the README snippet for $library", ({ run, requester }) => {
    it("lists Toolgate's tools and calls one, naming the requester by header", async () => {
      const w = world();
      const name = w.toolName("get_user");
      const before = w.upstream.callCount("get_user");
      const started = performance.now();
      const { names, result } = await run(w.app.url, w.key, requester, name, { email: "ann@client-a.test" });
      reportLatency(`${name} via the snippet (connect, list, call, close)`, performance.now() - started);
      expect(names).toEqual(expect.arrayContaining([name, "toolgate_call_status"]));
      expect(JSON.stringify(result)).toMatch(/get_user/);
      expect(w.upstream.callCount("get_user")).toBe(before + 1);
      const calls = await w.activity();
      expect(calls.find((call) => call.requesterEmail === requester)).toMatchObject({ tool: "get_user", status: "succeeded" });
    });
  });
}
