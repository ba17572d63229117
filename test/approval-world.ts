import { eq } from "drizzle-orm";
import type { Database, DatabaseHandle } from "@/db";
import { workspaces } from "@/db/schema";
import { POST } from "./gateway-routes";
import { addPerson } from "@/server/directory/people";
import { jobHandlers } from "@/server/jobs/handlers";
import { createWorker } from "@/server/jobs/worker";
import { saveToolPolicies } from "@/server/policy/save";
import { createUser, uniqueSuffix } from "./fixtures";
import { gatewayRequest } from "./gateway";
import { seedWorld } from "./world";
import type { McpUpstream } from "./mcp-upstream";
import { sharedSmtpCapture } from "./smtp-capture";

/**
 * A workspace ready for approvals: two technicians (admin + technician), a client whose Directory
 * has Ann (requester) reporting to Boss (manager), an MCP integration whose `reset_password` needs
 * technician and manager approval and `delete_user` technician approval only, e-mail set up (so the
 * manager can be reached; `{ email: false }` leaves it off) and an agent.
 */
export async function approvalWorld(handle: DatabaseHandle, upstream: McpUpstream, options: { email?: boolean } = {}) {
  const db: Database = handle.db;
  const world = await seedWorld(db, {
    upstream,
    client: { name: `Contoso ${uniqueSuffix()}` },
    name: "Contoso directory",
    admin: { role: "admin", name: "Avery Admin" },
    policies: {
      reset_password: { policy: "approval_needed", managerApproval: true },
      delete_user: { policy: "approval_needed", managerApproval: false },
    },
  });
  const { workspace, admin, ctx, client, slug, integrationId, agent, setPolicy, toolId, revision } = world;
  if (options.email !== false) {
    const smtp = await sharedSmtpCapture();
    await db
      .update(workspaces)
      .set({ smtpSettings: { host: "127.0.0.1", port: smtp.port, secure: false, username: null, from: "Toolgate <approvals@msp.test>" } })
      .where(eq(workspaces.id, workspace.id));
  }
  const technician = await createUser(db, workspace.id, { role: "technician", name: "Terry Tech" });
  const boss = await addPerson(ctx, { clientId: client.id, email: `boss-${uniqueSuffix()}@contoso.test`, name: "Boss Manager" });
  const annEmail = `ann-${uniqueSuffix()}@contoso.test`;
  const ann = await addPerson(ctx, { clientId: client.id, email: annEmail, name: "Ann Requester", managerId: boss.id });
  const worker = createWorker(handle, { handlers: jobHandlers, backoffMs: () => 0 });
  const drain = async () => {
    for (let pass = 0; pass < 20 && (await worker.runOnce()) > 0; pass++);
  };
  const call = async (toolName: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
    const response = await POST(
      gatewayRequest(
        agent.key,
        {
          integration: slug,
          tool: toolName,
          arguments: { email: annEmail },
          requester: { email: annEmail },
          ...extra,
        },
        headers,
      ),
    );
    return {
      status: response.status,
      body: (await response.json()) as { callId: string; approvals: Array<{ kind: string }>; error?: { code: string; message: string } },
    };
  };
  /** The two-person rule on one tool: how many distinct technicians must approve (its policy stays as it is). */
  const setTechnicianApprovals = async (name: string, technicianApprovals: number, managerApproval = name === "reset_password") =>
    saveToolPolicies(ctx, {
      integrationId,
      revision: await revision(),
      changes: [{ toolId: toolId(name), policy: "approval_needed", managerApproval, technicianApprovals }],
    });
  return {
    setTechnicianApprovals,
    toolId,
    revision,
    db,
    workspace,
    admin,
    technician,
    ctx,
    client,
    boss,
    ann,
    annEmail,
    slug,
    integrationId,
    agent,
    worker,
    drain,
    call,
    setPolicy,
    workspaceRow: (await db.select().from(workspaces).where(eq(workspaces.id, workspace.id)))[0]!,
  };
}

export type ApprovalWorld = Awaited<ReturnType<typeof approvalWorld>>;
