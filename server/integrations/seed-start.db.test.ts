import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tools, workspaces } from "@/db/schema";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace, uniqueSuffix } from "@/test/fixtures";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { createCaller } from "../api/root";
import { closeMcpClients } from "./connectors/mcp";
import { resyncIntegration } from "./sync";

const database = setupTestDatabase();
let upstream: McpUpstream;

beforeAll(async () => {
  upstream = await startMcpUpstream({
    tools: [
      tool("get_ticket", { annotations: { readOnlyHint: true } }),
      tool("reboot_device", { annotations: { destructiveHint: true, openWorldHint: true } }),
      tool("delete_everything", { annotations: { readOnlyHint: true } }),
    ],
  });
});
afterAll(async () => {
  await closeMcpClients();
  await upstream.close();
});

async function admin() {
  const { db } = database();
  const workspace = await createWorkspace(db);
  const user = await createUser(db, workspace.id, { role: "admin" });
  return { db, workspace, user, ctx: { db, user }, trpc: createCaller({ db, user }) };
}

const toolsOf = async (db: ReturnType<typeof database>["db"], integrationId: string) =>
  Object.fromEntries((await db.select().from(tools).where(eq(tools.integrationId, integrationId))).map((row) => [row.name, row]));

describe("how a new integration's tools start", () => {
  it("previews the defaults with suggestions and review flags, seeds them, and remembers the admin's start choice per workspace", async () => {
    const { db, workspace, trpc } = await admin();
    const preview = await trpc.integrations.testConnection({ kind: "mcp", url: upstream.url });
    expect(preview.start).toBe("classified");
    expect(preview.tools).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "get_ticket", policy: "auto", managerApprovalSuggested: false, review: null }),
        expect.objectContaining({
          name: "reboot_device",
          policy: "approval_needed",
          managerApprovalSuggested: true,
          reason: expect.stringMatching(/openWorldHint/),
        }),
        expect.objectContaining({ name: "delete_everything", policy: "approval_needed", review: expect.stringMatching(/contradict/) }),
      ]),
    );

    const classified = await trpc.integrations.connect({
      clientId: null,
      name: "PSA",
      slug: `psa-${uniqueSuffix()}`,
      settings: { kind: "mcp", url: upstream.url },
    });
    const seeded = await toolsOf(db, classified.integrationId);
    expect(seeded.get_ticket).toMatchObject({ policy: "auto", seededPolicy: "auto" });
    expect(seeded.reboot_device).toMatchObject({ policy: "approval_needed", managerApproval: false, managerApprovalSuggested: true });
    expect(seeded.delete_everything!.reviewNote).toMatch(/contradict/);

    const disabled = await trpc.integrations.connect({
      clientId: null,
      name: "PSA 2",
      slug: `psa-${uniqueSuffix()}`,
      settings: { kind: "mcp", url: upstream.url },
      start: "disabled",
    });
    const started = await toolsOf(db, disabled.integrationId);
    expect(Object.values(started).map((row) => row.policy)).toEqual(["disabled", "disabled", "disabled"]);
    // The classification is kept: "restore default" and plan mode read it.
    expect(started.get_ticket).toMatchObject({
      seededPolicy: "auto",
      seededReason: expect.stringMatching(/started disabled until reviewed/),
    });
    const [remembered] = await db.select({ start: workspaces.newToolStart }).from(workspaces).where(eq(workspaces.id, workspace.id));
    expect(remembered!.start).toBe("disabled");
    expect((await trpc.integrations.testConnection({ kind: "mcp", url: upstream.url })).start).toBe("disabled");

    // Without a choice, the next integration starts the remembered way.
    const next = await trpc.integrations.connect({
      clientId: null,
      name: "PSA 3",
      slug: `psa-${uniqueSuffix()}`,
      settings: { kind: "mcp", url: upstream.url },
    });
    expect((await toolsOf(db, next.integrationId)).get_ticket!.policy).toBe("disabled");

    const approval = await trpc.integrations.connect({
      clientId: null,
      name: "PSA 4",
      slug: `psa-${uniqueSuffix()}`,
      settings: { kind: "mcp", url: upstream.url },
      start: "approval_needed",
    });
    expect((await toolsOf(db, approval.integrationId)).get_ticket).toMatchObject({ policy: "approval_needed", seededPolicy: "auto" });
    await expect(
      trpc.integrations.connect({
        clientId: null,
        name: "PSA 5",
        slug: `psa-${uniqueSuffix()}`,
        settings: { kind: "mcp", url: upstream.url },
        start: "yolo" as never,
      }),
    ).rejects.toThrow(/Choose how the new tools start/);
  });

  it("reclassifies a tool whose definition changes upstream (the policy stays the admin's)", async () => {
    const { db, ctx, trpc } = await admin();
    const { integrationId } = await trpc.integrations.connect({
      clientId: null,
      name: "PSA",
      slug: `psa-${uniqueSuffix()}`,
      settings: { kind: "mcp", url: upstream.url },
    });
    upstream.setTools([
      tool("get_ticket", { annotations: { readOnlyHint: true, destructiveHint: true } }),
      tool("reboot_device", { annotations: { destructiveHint: true, openWorldHint: true } }),
      tool("delete_everything", { annotations: { readOnlyHint: true } }),
    ]);
    try {
      await resyncIntegration(ctx, { integrationId });
    } finally {
      upstream.setTools([
        tool("get_ticket", { annotations: { readOnlyHint: true } }),
        tool("reboot_device", { annotations: { destructiveHint: true, openWorldHint: true } }),
        tool("delete_everything", { annotations: { readOnlyHint: true } }),
      ]);
    }
    const row = (await toolsOf(db, integrationId)).get_ticket!;
    expect(row).toMatchObject({ policy: "auto", seededPolicy: "approval_needed", managerApprovalSuggested: true });
    expect(row.flaggedAt).not.toBeNull();
    expect(row.reviewNote).toMatch(/contradict each other/);
  });
});
