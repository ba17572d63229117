import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { agentKeys, auditEvents, toolCalls } from "@/db/schema";
import { approvalWorld } from "@/test/approval-world";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace } from "@/test/fixtures";
import { tool } from "@/test/mcp-upstream";
import { setupMcpUpstream } from "@/test/world";
import { createCaller } from "../api/root";
import { createClient } from "../clients/clients";

const database = setupTestDatabase();
const upstream = setupMcpUpstream([tool("get_user"), tool("reset_password"), tool("delete_user")]);

describe("editing and deleting agents", () => {
  it("renames an agent and narrows its scope, telling the admin how many waiting calls that cancelled", async () => {
    const world = await approvalWorld(database(), upstream);
    const caller = createCaller(world.ctx);
    const waiting = await world.call("delete_user");
    expect(waiting.status).toBe(202);

    await caller.agents.rename({ agentId: world.agent.agentId, name: "  Night-shift agent " });
    const other = await createClient(world.ctx, { name: "Fabrikam" });
    const narrowed = await caller.agents.setScope({
      agentId: world.agent.agentId,
      scope: { allClients: false, clientIds: [other.id], mspWide: false },
    });
    expect(narrowed).toEqual({ cancelledCalls: 1 });
    const { agents } = await caller.agents.list();
    expect(agents.map((agent) => [agent.name, agent.allClients, agent.clients.map((client) => client.name)])).toEqual([
      ["Night-shift agent", false, ["Fabrikam"]],
    ]);
    const [call] = await world.db.select().from(toolCalls).where(eq(toolCalls.id, waiting.body.callId));
    expect(call!.status).toBe("cancelled");
    await expect(caller.agents.rename({ agentId: world.agent.agentId, name: "  " })).rejects.toThrow(/Enter a name/);
  });

  it("deletes an agent: it leaves the list, its keys stop working, its waiting calls are cancelled, and its history stays", async () => {
    const world = await approvalWorld(database(), upstream);
    const caller = createCaller(world.ctx);
    const waiting = await world.call("delete_user");

    expect(await caller.agents.delete({ agentId: world.agent.agentId })).toEqual({ cancelledCalls: 1 });
    expect((await caller.agents.list()).agents).toEqual([]);
    expect((await world.db.select().from(agentKeys).where(eq(agentKeys.agentId, world.agent.agentId))).every((key) => key.revokedAt)).toBe(
      true,
    );
    const refused = await world.call("get_user");
    expect(refused.status).toBe(401);
    // The Activity log still shows its calls under its name.
    const history = await caller.activity.list({});
    expect(history.map((row) => [row.id, row.agentName, row.status])).toEqual([[waiting.body.callId, "Helpdesk agent", "cancelled"]]);
    const events = await world.db.select().from(auditEvents).where(eq(auditEvents.subjectId, world.agent.agentId));
    expect(events.map((event) => event.action)).toContain("agent.deleted");
    // Gone means gone: it cannot be edited or deleted again.
    await expect(caller.agents.rename({ agentId: world.agent.agentId, name: "Back" })).rejects.toThrow(/No such agent/);
    await expect(caller.agents.delete({ agentId: world.agent.agentId })).rejects.toThrow(/No such agent/);
  });

  it("never renames or deletes another workspace's agent", async () => {
    const world = await approvalWorld(database(), upstream);
    const stranger = createCaller({ db: world.db, user: await createUser(world.db, (await createWorkspace(world.db)).id) });
    await expect(stranger.agents.rename({ agentId: world.agent.agentId, name: "Mine now" })).rejects.toThrow(/No such agent/);
    await expect(stranger.agents.delete({ agentId: world.agent.agentId })).rejects.toThrow(/No such agent/);
    const { agents } = await createCaller(world.ctx).agents.list();
    expect(agents.map((agent) => agent.name)).toEqual(["Helpdesk agent"]);
  });
});
