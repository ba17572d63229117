import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { approvalRequests, directoryPeople, toolCalls } from "@/db/schema";
import { approvalWorld } from "@/test/approval-world";
import { setupTestDatabase } from "@/test/database";
import { tool } from "@/test/mcp-upstream";
import { setupMcpUpstream } from "@/test/world";
import { createCaller } from "../api/root";
import { decideApproval } from "../approvals/decide";
import { callsToCsv, loadCsvApprovals } from "./csv-export";

const database = setupTestDatabase();
const upstream = setupMcpUpstream([tool("get_user"), tool("reset_password"), tool("delete_user")]);

describe("Activity search and CSV", () => {
  it("finds calls by ticket id, requester and approver, and the CSV carries ticket, approvers, comments and decision times", async () => {
    const world = await approvalWorld(database(), upstream);
    const decided = await world.call("reset_password");
    const waiting = await world.call("delete_user");
    await world.db.update(toolCalls).set({ ticketSystem: "jira", ticketId: "HELP-4711" }).where(eq(toolCalls.id, decided.body.callId));
    const requests = await world.db.select().from(approvalRequests).where(eq(approvalRequests.callId, decided.body.callId));
    const technicianRequest = requests.find((request) => request.kind === "technician")!;
    const managerRequest = requests.find((request) => request.kind === "manager")!;
    await decideApproval(world.db, {
      workspaceId: world.workspace.id,
      approvalRequestId: technicianRequest.id,
      decision: "approve",
      comment: "Checked with the caller",
      actor: { kind: "user", userId: world.technician.id, via: "web" },
    });
    await decideApproval(world.db, {
      workspaceId: world.workspace.id,
      approvalRequestId: managerRequest.id,
      decision: "deny",
      comment: "Not during the audit",
      actor: { kind: "person", personId: world.boss.id, via: "deep_link" },
    });

    const [boss] = await world.db.select().from(directoryPeople).where(eq(directoryPeople.id, world.boss.id));
    const caller = createCaller(world.ctx);
    const ids = async (q: string) => (await caller.activity.list({ q })).map((row) => row.id).sort();
    expect(await ids("help-4711")).toEqual([decided.body.callId]);
    expect(await ids(world.annEmail.slice(0, 8))).toEqual([decided.body.callId, waiting.body.callId].sort());
    expect(await ids("Terry")).toEqual([decided.body.callId]);
    expect(await ids(boss!.email)).toEqual([decided.body.callId]);
    expect(await ids("Boss Manager")).toEqual([decided.body.callId]);
    expect(await ids("reset_pass")).toEqual([decided.body.callId]);
    expect(await ids("100%_no_such")).toEqual([]);

    const rows = await caller.activity.list({ q: "HELP-4711" });
    const csv = callsToCsv(
      rows,
      await loadCsvApprovals(
        world.db,
        world.workspace.id,
        rows.map((row) => row.id),
      ),
    );
    const [header, line] = csv.split("\r\n");
    const columns = header!.split(",");
    expect(columns).toEqual(
      expect.arrayContaining([
        "ticket",
        "requester",
        "technician_approver",
        "technician_decision",
        "technician_decided_at",
        "technician_comment",
        "manager_approver",
        "manager_decision",
        "manager_decided_at",
        "manager_comment",
      ]),
    );
    const cells = Object.fromEntries(columns.map((name, index) => [name, line!.split(",")[index]]));
    expect(cells).toMatchObject({
      ticket: "jira:HELP-4711",
      requester: world.annEmail,
      technician_approver: "Terry Tech",
      technician_decision: "approved",
      technician_comment: "Checked with the caller",
      manager_approver: `Boss Manager <${boss!.email}>`,
      manager_decision: "denied",
      manager_comment: "Not during the audit",
    });
    expect(cells.technician_decided_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(cells.manager_decided_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    // Nobody searches another workspace's approvers.
    const { createUser, createWorkspace } = await import("@/test/fixtures");
    const stranger = createCaller({ db: world.db, user: await createUser(world.db, (await createWorkspace(world.db)).id) });
    expect(await stranger.activity.list({ q: "Terry" })).toEqual([]);
  });
});
