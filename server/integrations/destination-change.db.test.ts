import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { integrations, workspaces } from "@/db/schema";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace } from "@/test/fixtures";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { isServiceError } from "../errors";
import { updateWorkspaceSettings } from "../workspaces/settings";
import { connectIntegration } from "./connect";
import { closeMcpClients } from "./connectors/mcp";
import { openIntegrationSecrets } from "./credentials";
import { updateIntegration } from "./manage";

const database = setupTestDatabase();
let original: McpUpstream;
let elsewhere: McpUpstream;

beforeAll(async () => {
  original = await startMcpUpstream({ token: "first-secret", tools: [tool("get_ticket")] });
  elsewhere = await startMcpUpstream({ token: "second-secret", tools: [tool("get_ticket")] });
});

afterAll(async () => {
  await closeMcpClients();
  await Promise.all([original.close(), elsewhere.close()]);
});

async function admin() {
  const { db } = database();
  const workspace = await createWorkspace(db);
  return { db, workspace, ctx: { db, user: await createUser(db, workspace.id) } };
}

/** The error thrown by `run`, as a ServiceError (fails the test when nothing, or something else, is thrown). */
async function refusal(run: () => Promise<unknown>) {
  const error = await run().then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!isServiceError(error)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}

describe("changing where an integration's credentials go", () => {
  it("refuses a new URL without the credential again, and sends nothing to the new host", async () => {
    const { db, ctx } = await admin();
    const { integrationId } = await connectIntegration(ctx, {
      clientId: null,
      name: "PSA",
      slug: "psa",
      settings: { kind: "mcp", url: original.url, authHeaderName: "Authorization", authHeaderValue: "Bearer first-secret" },
    });
    const before = elsewhere.requestHeaders.length;

    const error = await refusal(() => updateIntegration(ctx, { integrationId, url: elsewhere.url }));
    expect(error.code).toBe("invalid_input");
    expect(error.details).toMatchObject({ field: "authHeaderValue" });
    expect(error.message).toMatch(/enter the credential again/i);
    expect(elsewhere.requestHeaders.slice(before)).toEqual([]);
    const [stored] = await db.select().from(integrations).where(eq(integrations.id, integrationId));
    expect(stored!.config.url).toBe(original.url);
  });

  it("accepts a new URL with the credential entered again, and only the new credential reaches the new host", async () => {
    const { db, ctx } = await admin();
    const { integrationId } = await connectIntegration(ctx, {
      clientId: null,
      name: "PSA",
      slug: "psa",
      settings: { kind: "mcp", url: original.url, authHeaderName: "Authorization", authHeaderValue: "Bearer first-secret" },
    });
    const before = elsewhere.requestHeaders.length;
    await updateIntegration(ctx, { integrationId, url: elsewhere.url, credentials: { authHeaderValue: "Bearer second-secret" } });
    const [stored] = await db.select().from(integrations).where(eq(integrations.id, integrationId));
    expect(stored!.config.url).toBe(elsewhere.url);
    expect(openIntegrationSecrets(stored!).authHeaderValue).toBe("Bearer second-secret");
    const seen = elsewhere.requestHeaders.slice(before).map((headers) => headers.authorization);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((value) => value === "Bearer second-secret")).toBe(true);
  });
});

describe("changing where the SMTP password goes", () => {
  const smtp = { host: "mail.msp.test", port: 587, secure: false, username: "approvals", from: "Toolgate <approvals@msp.test>" };

  it("refuses a new SMTP host or port without the password again, and keeps the stored settings", async () => {
    const { db, workspace, ctx } = await admin();
    await updateWorkspaceSettings(ctx, { smtp: { ...smtp, password: "smtp-password" } });

    const hostError = await refusal(() => updateWorkspaceSettings(ctx, { smtp: { ...smtp, host: "attacker.example" } }));
    expect(hostError.code).toBe("invalid_input");
    expect(hostError.details).toMatchObject({ field: "smtp.password" });
    const portError = await refusal(() => updateWorkspaceSettings(ctx, { smtp: { ...smtp, port: 2525 } }));
    expect(portError.details).toMatchObject({ field: "smtp.password" });

    const [stored] = await db.select().from(workspaces).where(eq(workspaces.id, workspace.id));
    expect(stored!.smtpSettings).toEqual(smtp);
  });

  it("accepts a new SMTP host with the password entered again, and other changes without it", async () => {
    const { db, workspace, ctx } = await admin();
    await updateWorkspaceSettings(ctx, { smtp: { ...smtp, password: "smtp-password" } });
    await updateWorkspaceSettings(ctx, { smtp: { ...smtp, from: "Approvals <a@msp.test>" } });
    await updateWorkspaceSettings(ctx, { smtp: { ...smtp, host: "smtp.elsewhere.test", password: "new-password" } });
    const [stored] = await db.select().from(workspaces).where(eq(workspaces.id, workspace.id));
    expect(stored!.smtpSettings).toMatchObject({ host: "smtp.elsewhere.test" });
  });
});
