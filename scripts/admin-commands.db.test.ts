import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users, workspaces } from "@/db/schema";
import { setupTestDatabase } from "@/test/database";
import { createWorkspace } from "@/test/fixtures";
import { runAdminCommand } from "./admin-commands";

const database = setupTestDatabase();
const password = async () => "correct horse battery staple";

describe("npm run admin -- create-admin", () => {
  it("creates the workspace named by --workspace and --workspace-name when it does not exist yet", async () => {
    const db = database().db;
    await createWorkspace(db); // another workspace exists already
    await runAdminCommand(
      ["create-admin", "--email", "owner@new-msp.test", "--name", "New Owner", "--workspace", "new-msp", "--workspace-name", "New MSP"],
      { readSecret: password },
    );
    const [workspace] = await db.select().from(workspaces).where(eq(workspaces.slug, "new-msp"));
    expect(workspace?.name).toBe("New MSP");
    const [user] = await db.select().from(users).where(eq(users.email, "owner@new-msp.test"));
    expect(user).toMatchObject({ workspaceId: workspace!.id, role: "admin" });
  });

  it("adds an admin to an existing workspace named by --workspace", async () => {
    const db = database().db;
    const existing = await createWorkspace(db);
    await runAdminCommand(["create-admin", "--email", "second@msp.test", "--name", "Second", "--workspace", existing.slug], {
      readSecret: password,
    });
    const [user] = await db.select().from(users).where(eq(users.email, "second@msp.test"));
    expect(user?.workspaceId).toBe(existing.id);
  });

  it("says how to create a workspace when --workspace names none and no --workspace-name is given", async () => {
    await expect(
      runAdminCommand(["create-admin", "--email", "x@msp.test", "--name", "X", "--workspace", "no-such-msp"], { readSecret: password }),
    ).rejects.toThrow(/--workspace-name/);
  });

  it("refuses a slug that is not a slug", async () => {
    await expect(
      runAdminCommand(["create-admin", "--email", "y@msp.test", "--name", "Y", "--workspace", "Bad Slug!", "--workspace-name", "Bad"], {
        readSecret: password,
      }),
    ).rejects.toThrow(/slug/);
  });
});
