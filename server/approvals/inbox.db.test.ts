import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { workspaces } from "@/db/schema";
import { POST } from "@/app/api/gateway/route";
import { approvalWorld } from "@/test/approval-world";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace } from "@/test/fixtures";
import { gatewayRequest } from "@/test/gateway";
import { tool } from "@/test/mcp-upstream";
import { setupMcpUpstream } from "@/test/world";
import { createCaller } from "../api/root";

const database = setupTestDatabase();
const upstream = setupMcpUpstream([tool("reset_password"), tool("delete_user")]);

type InboxPage = Awaited<ReturnType<ReturnType<typeof createCaller>["approvals"]["inbox"]>>;

describe("the Approvals inbox", () => {
  it("57 pending calls with ~60 KB of arguments each: a page stays small, says what it shortened, and pages through every request", async () => {
    const world = await approvalWorld(database(), upstream);
    await world.db.update(workspaces).set({ maxPendingApprovalsPerAgent: 100 }).where(eq(workspaces.id, world.workspace.id));
    const callIds: string[] = [];
    for (let n = 0; n < 57; n++) {
      const response = await POST(
        gatewayRequest(world.agent.key, {
          integration: world.slug,
          tool: "delete_user",
          arguments: { email: world.annEmail, note: `${n} ${"x".repeat(60_000)}` },
          requester: { email: world.annEmail },
        }),
      );
      expect(response.status).toBe(202);
      callIds.push(((await response.json()) as { callId: string }).callId);
    }
    const caller = createCaller({ db: world.db, user: world.technician });

    const seen: InboxPage["items"] = [];
    let page = await caller.approvals.inbox();
    for (let pages = 1; ; pages++) {
      // The whole page as it travels to the browser: 57 × 60 KB was 3.4 MB in one response.
      expect(JSON.stringify(page).length).toBeLessThan(100_000);
      expect(page.pendingCount).toBe(57);
      expect(page.items.length).toBeLessThanOrEqual(25);
      seen.push(...page.items);
      if (!page.nextCursor) break;
      expect(pages).toBeLessThan(10);
      page = await caller.approvals.inbox({ cursor: page.nextCursor });
    }
    expect(seen.map((item) => item.call.id).sort()).toEqual([...callIds].sort());
    for (const item of seen) {
      expect(item.status).toBe("pending");
      expect(item.call.argumentsSummary).toMatchObject({ shortened: true });
      expect(item.call.argumentsSummary.bytes).toBeGreaterThan(60_000);
      expect(item.call.argumentsSummary.text.length).toBeLessThan(2_100);
      expect(item.call.argumentsSummary.text).toContain(`"email": "${world.annEmail}"`);
    }

    // The call's own page has the arguments in full.
    const detail = await caller.activity.detail({ callId: callIds[7]! });
    expect(detail.arguments).toEqual({ email: world.annEmail, note: `7 ${"x".repeat(60_000)}` });
  });

  it("shows small arguments whole, not marked shortened; another workspace's technician sees none of them", async () => {
    const world = await approvalWorld(database(), upstream);
    const { body } = await world.call("delete_user");
    const page = await createCaller({ db: world.db, user: world.technician }).approvals.inbox({ callId: body.callId });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]!.call.argumentsSummary).toEqual({
      text: JSON.stringify({ email: world.annEmail }, null, 2),
      shortened: false,
      bytes: expect.any(Number),
    });
    const other = await createWorkspace(world.db);
    const stranger = await createUser(world.db, other.id, { role: "technician" });
    const theirs = await createCaller({ db: world.db, user: stranger }).approvals.inbox({ callId: body.callId });
    expect(theirs).toEqual({ items: [], nextCursor: null, pendingCount: 0, grantMaxHours: 8 });
  });

  it("refuses a cursor that is not one it handed out, in words", async () => {
    const world = await approvalWorld(database(), upstream);
    await expect(createCaller({ db: world.db, user: world.technician }).approvals.inbox({ cursor: "not-a-cursor" })).rejects.toThrow(
      /cursor/,
    );
  });
});
