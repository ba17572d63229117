import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalRequests, auditEvents, toolCalls } from "@/db/schema";
import { GET as approvePage } from "@/app/approve/[token]/route";
import { POST as decideRoute } from "@/app/api/gateway/approvals/decide/route";
import { approvalWorld } from "@/test/approval-world";
import { setupTestDatabase } from "@/test/database";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { closeMcpClients } from "../integrations/connectors/mcp";
import { approvalCsrfToken, mintApprovalToken } from "./tokens";

const database = setupTestDatabase();
let upstream: McpUpstream;
beforeAll(async () => {
  upstream = await startMcpUpstream({
    tools: [
      tool("reset_password", { description: "Sets a new temporary password for a user and signs them out everywhere." }),
      tool("delete_user"),
    ],
  });
});
afterAll(async () => {
  await closeMcpClients();
  await upstream.close();
});

const open = (token: string, address = "203.0.113.50") =>
  approvePage(new Request(`http://localhost/approve/${token}`, { headers: { "x-forwarded-for": address } }), {
    params: Promise.resolve({ token }),
  });
const post = (fields: Record<string, string>, address = "203.0.113.50") =>
  decideRoute(
    new Request("http://localhost/api/gateway/approvals/decide", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": address },
      body: new URLSearchParams(fields),
    }),
  );

async function pendingWithToken() {
  const world = await approvalWorld(database(), upstream);
  const { body } = await world.call("reset_password");
  const requests = await world.db.select().from(approvalRequests).where(eq(approvalRequests.callId, body.callId));
  const manager = requests.find((request) => request.kind === "manager")!;
  const technician = requests.find((request) => request.kind === "technician")!;
  const managerToken = await mintApprovalToken(world.db, {
    workspaceId: world.workspace.id,
    approvalRequestId: manager.id,
    expiresAt: manager.expiresAt,
    approver: { personId: world.boss.id },
  });
  const technicianToken = await mintApprovalToken(world.db, {
    workspaceId: world.workspace.id,
    approvalRequestId: technician.id,
    expiresAt: technician.expiresAt,
    approver: { userId: world.technician.id },
  });
  return { world, callId: body.callId, manager, technician, managerToken, technicianToken };
}

describe("the deep-link approval page", () => {
  it("shows the request in full to its approver on GET, any number of times, and decides nothing", async () => {
    const { world, callId, managerToken } = await pendingWithToken();
    for (let index = 0; index < 10; index++) {
      const response = await open(managerToken);
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain("Hello Boss Manager");
      expect(html).toContain("Not my report");
      expect(html).toContain(world.annEmail);
      expect(html).not.toContain("<script");
    }
    await expect(open(managerToken).then((response) => response.headers.get("content-security-policy"))).resolves.toContain(
      "default-src 'none'",
    );
    const requests = await world.db.select().from(approvalRequests).where(eq(approvalRequests.callId, callId));
    expect(requests.every((request) => request.status === "pending")).toBe(true);
  });

  it("decides once: a double tap or replay of a used token changes nothing (410, audited)", async () => {
    const { world, callId, technicianToken } = await pendingWithToken();
    const fields = { token: technicianToken, csrf: approvalCsrfToken(technicianToken), decision: "approve", comment: "fine" };
    const first = await post(fields);
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe(`/approve/${technicianToken}?done=1`);
    const replay = await post({ ...fields, decision: "deny" });
    expect(replay.status).toBe(410);
    const page = await (await open(technicianToken)).text();
    expect(page).toContain("Approved by Terry Tech");
    const [technician] = await world.db
      .select()
      .from(approvalRequests)
      .where(and(eq(approvalRequests.callId, callId), eq(approvalRequests.kind, "technician")));
    expect(technician).toMatchObject({ status: "approved", decidedVia: "deep_link", comment: "fine" });
    const replays = await world.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.callId, callId), eq(auditEvents.action, "approval.token_replayed")));
    expect(replays).toHaveLength(1);
  });

  it("refuses a forged CSRF token, an expired token and an unknown one, and limits unknown tokens per address", async () => {
    const { world, callId, managerToken, manager } = await pendingWithToken();
    expect((await post({ token: managerToken, csrf: "forged", decision: "approve" })).status).toBe(403);
    expect((await post({ token: managerToken, csrf: approvalCsrfToken(managerToken), decision: "maybe" })).status).toBe(400);
    await world.db
      .update(toolCalls)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(toolCalls.id, callId));
    await world.db
      .update(approvalRequests)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(approvalRequests.id, manager.id));
    const expiredToken = await mintApprovalToken(world.db, {
      workspaceId: world.workspace.id,
      approvalRequestId: manager.id,
      expiresAt: new Date(Date.now() - 1000),
      approver: { personId: world.boss.id },
    });
    expect((await open(expiredToken)).status).toBe(410);
    expect((await post({ token: expiredToken, csrf: approvalCsrfToken(expiredToken), decision: "approve" })).status).toBe(410);
    expect((await open("A".repeat(43), "198.51.100.77")).status).toBe(404);
    let last = 0;
    for (let index = 0; index < 21; index++) last = (await open(`${"B".repeat(42)}${index % 10}`, "198.51.100.78")).status;
    expect(last).toBe(429);
    // Failed guesses never block a token that verifies (here: an expired one, answered as such).
    expect((await open(managerToken, "198.51.100.78")).status).toBe(410);
    expect((await open(managerToken, "198.51.100.79")).status).toBe(410);
    const requests = await world.db.select().from(approvalRequests).where(eq(approvalRequests.callId, callId));
    expect(requests.every((request) => request.status === "pending")).toBe(true);
  });

  it("still opens and decides a real link after 21 bad tokens with forged X-Forwarded-For headers", async () => {
    const { world, callId, managerToken } = await pendingWithToken();
    const statuses: number[] = [];
    for (let index = 0; index < 25; index++) {
      const forged = `10.${index}.0.1, 198.51.100.${index}`;
      statuses.push((await open(`${"C".repeat(41)}${String(index).padStart(2, "0")}`, forged)).status);
    }
    expect(statuses.every((status) => status === 404 || status === 429)).toBe(true);
    expect(statuses.at(-1)).toBe(429); // without trusted proxies every request is one client: the guesses are limited …
    const page = await open(managerToken, "203.0.113.99, 198.51.100.1");
    expect(page.status).toBe(200); // … but the manager's real link is not
    const decided = await post({ token: managerToken, csrf: approvalCsrfToken(managerToken), decision: "deny" }, "198.51.100.24");
    expect(decided.status).toBe(303);
    const [call] = await world.db.select().from(toolCalls).where(eq(toolCalls.id, callId));
    expect(call!.status).toBe("denied");
  });

  it("lets a manager answer “Not my report”, which denies the call and says the directory needs fixing", async () => {
    const { world, callId, managerToken } = await pendingWithToken();
    expect((await post({ token: managerToken, csrf: approvalCsrfToken(managerToken), decision: "not_my_report" })).status).toBe(303);
    const [manager] = await world.db
      .select()
      .from(approvalRequests)
      .where(and(eq(approvalRequests.callId, callId), eq(approvalRequests.kind, "manager")));
    expect(manager).toMatchObject({ status: "denied", denialKind: "not_my_report" });
    const [call] = await world.db.select().from(toolCalls).where(eq(toolCalls.id, callId));
    expect(call!.status).toBe("denied");
  });

  it("refuses a technician's link for the manager decision it is not bound to", async () => {
    const { technicianToken } = await pendingWithToken();
    expect((await post({ token: technicianToken, csrf: approvalCsrfToken(technicianToken), decision: "not_my_report" })).status).toBe(403);
  });

  it("says in plain words what the tool does, names the requester's source once, and asks before Deny and “Not my report”", async () => {
    const { managerToken } = await pendingWithToken();
    const html = await (await open(managerToken)).text();
    expect(html).toContain("Sets a new temporary password for a user and signs them out everywhere.");
    expect(html.match(/named by the agent/g)).toHaveLength(1);
    // One tap on Deny or Not my report only opens a confirmation; the deciding button sits inside it.
    expect(html).not.toMatch(/<div class="actions">[^]*?<button[^>]*value="deny">Deny<\/button>/);
    expect(html).toMatch(/<details[^>]*><summary[^>]*>Deny…<\/summary>[^]*?value="deny"[^]*?<\/details>/);
    expect(html).toMatch(/<details[^>]*><summary[^>]*>Not my report…<\/summary>[^]*?value="not_my_report"[^]*?<\/details>/);
  });

  it("after one approval says who is still awaited; a denied request is never headed “What will run”", async () => {
    const { managerToken, technicianToken } = await pendingWithToken();
    expect((await post({ token: managerToken, csrf: approvalCsrfToken(managerToken), decision: "approve" })).status).toBe(303);
    const approved = await (await open(managerToken)).text();
    expect(approved).toMatch(/<h1>Approved by Boss Manager — now waiting for a technician<\/h1>/);
    expect(approved).toContain("What will run");
    expect((await post({ token: technicianToken, csrf: approvalCsrfToken(technicianToken), decision: "deny" })).status).toBe(303);
    const denied = await (await open(technicianToken)).text();
    expect(denied).toContain("Denied by Terry Tech");
    expect(denied).not.toContain("What will run");
    expect(denied).toContain("What was asked");
  });
});
