import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents } from "@/db/schema";
import { setupTestDatabase } from "@/test/database";
import { expectRejection } from "@/test/errors";
import { createWorkspace } from "@/test/fixtures";
import { recordAudit } from "./record";

const database = setupTestDatabase();

describe("audit events", () => {
  it("are append-only: the database refuses UPDATE, DELETE and TRUNCATE", async () => {
    const { db } = database();
    const workspace = await createWorkspace(db);
    await recordAudit(db, { workspaceId: workspace.id, actorType: "system", action: "workspace.settings_changed" });
    await expectRejection(
      db.update(auditEvents).set({ action: "tampered" }).where(eq(auditEvents.workspaceId, workspace.id)),
      /append-only: UPDATE/,
    );
    await expectRejection(db.delete(auditEvents).where(eq(auditEvents.workspaceId, workspace.id)), /append-only: DELETE/);
    await expectRejection(db.execute(sql`truncate audit_events`), /append-only: TRUNCATE/);
    const rows = await db.select().from(auditEvents).where(eq(auditEvents.workspaceId, workspace.id));
    expect(rows.map((row) => row.action)).toEqual(["workspace.settings_changed"]);
  });
});
