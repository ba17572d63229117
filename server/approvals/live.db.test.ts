import { describe, expect, it } from "vitest";
import { approvalWorld } from "@/test/approval-world";
import { setupTestDatabase } from "@/test/database";
import { tool } from "@/test/mcp-upstream";
import { setupMcpUpstream } from "@/test/world";
import { approvalEventStream, countPendingApprovals } from "./live";

const database = setupTestDatabase();
const upstream = setupMcpUpstream([tool("reset_password"), tool("delete_user")]);

/** Reads the stream until `until` appears in it; returns everything read. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, until: string): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  while (!text.includes(until)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
  }
  return text;
}

describe("live approvals", () => {
  it("streams an event for each call of the user's workspace that changes, never another workspace's; counts what waits", async () => {
    const mine = await approvalWorld(database(), upstream);
    const theirs = await approvalWorld(database(), upstream);
    const abort = new AbortController();
    const reader = (await approvalEventStream(mine.workspace.id, abort.signal)).getReader();
    expect(await readUntil(reader, "event: ready")).toContain("event: ready");

    const other = await theirs.call("delete_user");
    const own = await mine.call("delete_user");
    const text = await readUntil(reader, own.body.callId);
    expect(text).toContain(`event: approvals\ndata: {"callId":"${own.body.callId}","status":"pending_approval"}`);
    expect(text).not.toContain(other.body.callId);
    abort.abort();
    expect((await reader.read()).done).toBe(true);

    expect(await countPendingApprovals(mine.ctx)).toBe(1);
    await mine.call("reset_password");
    expect(await countPendingApprovals(mine.ctx)).toBe(3);
  });
});
