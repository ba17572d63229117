import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from "@modelcontextprotocol/client";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ToolListChangedNotificationSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { gateway } from "../proof/harness";
import { APPROVAL_WAIT_MS, REQUESTER, reportLatency, within, type AgentsWorld } from "./world";

/*
 * The official MCP SDK client (1.32, protocol 2025-11-25; and 2.4, protocol 2026-07-28) against a
 * production build, as an agent's host meets it. Ordering is asserted against generous timeouts;
 * latencies are printed, not asserted.
 */

async function connect(w: AgentsWorld, headers: Record<string, string> = {}, key = w.key) {
  const client = new Client({ name: "agents-suite", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(w.mcpUrl, { requestInit: { headers: { Authorization: `Bearer ${key}`, ...headers } } }),
  );
  return client;
}

async function connectCurrent(w: AgentsWorld) {
  const client = new ModernClient({ name: "agents-suite", version: "1.0.0" }, { versionNegotiation: { mode: "auto" } });
  await client.connect(new ModernTransport(w.mcpUrl, { requestInit: { headers: { Authorization: `Bearer ${w.key}` } } }));
  return client;
}

const structured = (result: unknown) => (result as CallToolResult).structuredContent as Record<string, unknown>;

export function describeMcpSdkClient(world: () => AgentsWorld) {
  describe("the MCP SDK client against a production build", () => {
    it("lists the tools and calls an auto tool, on protocol 2025-11-25 and 2026-07-28", async () => {
      const w = world();
      const legacy = await connect(w);
      const current = await connectCurrent(w);
      expect(current.getNegotiatedProtocolVersion()).toBe("2026-07-28");
      for (const client of [legacy, current]) {
        const listed = (await client.listTools()).tools;
        expect(listed.map((entry) => entry.name)).toEqual(expect.arrayContaining([w.toolName("get_user"), "toolgate_call_status"]));
        expect(listed.find((entry) => entry.name === w.toolName("delete_user"))!._meta).toEqual({
          "toolgate/policy": "approval_needed",
          "toolgate/managerApproval": false,
        });
        const started = performance.now();
        const result = (await client.callTool({ name: w.toolName("list_users"), arguments: { email: "a@b.test" } })) as CallToolResult;
        reportLatency(`auto call (${client === legacy ? "2025-11-25" : "2026-07-28"})`, performance.now() - started);
        expect(result.isError).toBeFalsy();
        expect(structured(result)).toEqual({ tool: "list_users", arguments: { email: "a@b.test" } });
      }
      await Promise.all([legacy.close(), current.close()]);
    });

    it("waits out an approval with progress notifications, names the requester from the Toolgate-Requester header, and returns the result once approved", async () => {
      const w = world();
      const client = await connect(w, { "Toolgate-Requester": REQUESTER });
      const before = w.upstream.callCount("delete_user");
      const started = performance.now();
      let firstProgress: ((message: string) => void) | undefined;
      const progressed = new Promise<string>((resolve) => (firstProgress = resolve));
      const progress: string[] = [];
      const call = client.callTool({ name: w.toolName("delete_user"), arguments: { email: "gone@client-a.test" } }, undefined, {
        onprogress: (notification) => {
          progress.push(notification.message ?? "");
          firstProgress?.(notification.message ?? "");
        },
        timeout: APPROVAL_WAIT_MS + 30_000,
      });
      const message = await within(10_000, "first progress notification", progressed);
      reportLatency("first progress notification", performance.now() - started);
      expect(message).toMatch(/Waiting for approval \(technician\): call call_/);
      const callId = message.match(/call (call_[A-Za-z0-9_-]+)/)![1]!;

      const approval = await w.pendingApproval(callId);
      expect(approval.call).toMatchObject({ requesterEmail: REQUESTER, requesterSource: "named_by_agent" });
      const decided = performance.now();
      await w.decide(approval.id, "approve");
      const result = (await within(15_000, "the approved call's result", call)) as CallToolResult;
      reportLatency("result after the approval", performance.now() - decided);
      expect(result.isError).toBeFalsy();
      expect(structured(result)).toEqual({ tool: "delete_user", arguments: { email: "gone@client-a.test" } });
      expect(w.upstream.callCount("delete_user")).toBe(before + 1);
      await client.close();
    });

    it("long-polls toolgate_call_status with waitSeconds until the decision", async () => {
      const w = world();
      const created = await gateway(w.app, w.key, { integration: "dir-a", tool: "delete_user", arguments: { email: "x@client-a.test" } });
      expect(created.status).toBe(202);
      const callId = created.body.callId!;
      const client = await connect(w);
      const now = structured(await client.callTool({ name: "toolgate_call_status", arguments: { callId } }));
      expect(now.status).toBe("pending_approval");

      const approval = await w.pendingApproval(callId);
      const asked = performance.now();
      const polled = client.callTool({ name: "toolgate_call_status", arguments: { callId, waitSeconds: 30 } });
      await new Promise((resolve) => setTimeout(resolve, 500));
      const decided = performance.now();
      await w.decide(approval.id, "deny");
      const answer = (await within(15_000, "the long-poll's answer", polled)) as CallToolResult;
      reportLatency("waitSeconds answer after the decision", performance.now() - decided);
      reportLatency("waitSeconds answer after it was asked", performance.now() - asked);
      expect(answer.isError).toBe(true);
      expect(structured(answer)).toMatchObject({ callId, status: "denied" });
      await client.close();
    });

    it("refuses a requester named twice, differently: requester_conflict on MCP and 400 on REST", async () => {
      const w = world();
      const client = await connect(w, { "Toolgate-Requester": REQUESTER });
      const before = w.upstream.callCount("delete_user");
      const conflict = (await client.callTool({
        name: w.toolName("delete_user"),
        arguments: { email: "x@client-a.test" },
        _meta: { "toolgate/requester": "someone-else@client-a.test" },
      })) as CallToolResult;
      expect(conflict.isError).toBe(true);
      expect(structured(conflict)).toMatchObject({ error: { code: "requester_conflict" } });
      const rest = await gateway(
        w.app,
        w.key,
        { integration: "dir-a", tool: "delete_user", arguments: {}, requester: { email: "someone-else@client-a.test" } },
        { "toolgate-requester": REQUESTER },
      );
      expect(rest.status).toBe(400);
      expect(rest.body.error?.code).toBe("requester_conflict");
      expect(w.upstream.callCount("delete_user")).toBe(before);
      await client.close();
    });

    it("advertises an output schema only for tools that run at once; a refused call is an error the SDK does not throw on", async () => {
      const w = world();
      const client = await connect(w);
      const listed = (await client.listTools()).tools;
      expect(listed.find((entry) => entry.name === w.toolName("get_user"))!.outputSchema).toMatchObject({ required: ["tool"] });
      expect(listed.find((entry) => entry.name === w.toolName("delete_user"))!.outputSchema).toBeUndefined();
      const ran = (await client.callTool({ name: w.toolName("get_user"), arguments: { email: "a@b.test" } })) as CallToolResult;
      expect(ran.isError).toBeFalsy();
      expect(structured(ran)).toMatchObject({ tool: "get_user" });

      // The client still holds the schema when the tool is disabled under it.
      await w.setPolicies("dir-a", { get_user: "disabled" });
      try {
        const refused = (await client.callTool({ name: w.toolName("get_user"), arguments: { email: "a@b.test" } })) as CallToolResult;
        expect(refused.isError).toBe(true);
        expect(JSON.stringify(refused.content)).toMatch(/tool_disabled/);
      } finally {
        await w.setPolicies("dir-a", { get_user: "auto" });
      }
      await client.close();
    });

    it("tells both kinds of clients that the tool list changed after an admin saves", async () => {
      const w = world();
      const legacy = await connect(w);
      const current = await connectCurrent(w);
      let legacyChanged: () => void = () => {};
      let currentChanged: () => void = () => {};
      const legacyNotified = new Promise<void>((resolve) => (legacyChanged = resolve));
      const currentNotified = new Promise<void>((resolve) => (currentChanged = resolve));
      legacy.setNotificationHandler(ToolListChangedNotificationSchema, async () => legacyChanged());
      current.setNotificationHandler("notifications/tools/list_changed", () => currentChanged());
      await current.listen({ toolsListChanged: true });
      // The 1.x client opens its GET stream by itself after initialising, with no signal when it is open.
      await new Promise((resolve) => setTimeout(resolve, 1_000));

      const saved = performance.now();
      await w.setPolicies("dir-a", { list_users: "disabled" });
      try {
        await within(10_000, "list_changed on the GET stream (2025-11-25)", legacyNotified);
        reportLatency("list_changed after a save (GET stream)", performance.now() - saved);
        await within(10_000, "list_changed on subscriptions/listen (2026-07-28)", currentNotified);
        reportLatency("list_changed after a save (subscriptions/listen)", performance.now() - saved);
        expect((await legacy.listTools()).tools.map((entry) => entry.name)).not.toContain(w.toolName("list_users"));
      } finally {
        await w.setPolicies("dir-a", { list_users: "auto" });
      }
      await Promise.all([legacy.close(), current.close()]);
    });

    it("sends the notification stream's headers at once, long before the first keep-alive (15 s)", async () => {
      const w = world();
      const controller = new AbortController();
      const started = performance.now();
      const response = await within(
        5_000,
        "the GET stream's headers",
        fetch(w.mcpUrl, { headers: { authorization: `Bearer ${w.key}`, accept: "text/event-stream" }, signal: controller.signal }),
      );
      reportLatency("GET stream headers", performance.now() - started);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
      controller.abort();
    });

    it("answers a bad key with a readable 401 and a WWW-Authenticate challenge, which the SDK client reports", async () => {
      const w = world();
      const response = await fetch(w.mcpUrl, {
        method: "POST",
        headers: {
          authorization: "Bearer tg_not_a_key",
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: {} }),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer .*error="invalid_token", error_description="[^"]+"/);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/Toolgate API key/);
      await expect(connect(w, {}, "tg_not_a_key")).rejects.toThrow(/401|Unauthorized/);
    });
  });
}
