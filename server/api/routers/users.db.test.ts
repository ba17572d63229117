import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sessions, users } from "@/db/schema";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace } from "@/test/fixtures";
import { findPasswordLink, setPasswordFromLink } from "../../users/set-password-from-link";
import { createCaller } from "../root";

const database = setupTestDatabase();

async function twoWorkspaces() {
  const { db } = database();
  const a = await createWorkspace(db);
  const b = await createWorkspace(db);
  const adminA = await createUser(db, a.id, { role: "admin" });
  const adminB = await createUser(db, b.id, { role: "admin" });
  return { db, a, b, adminA, adminB, callerA: createCaller({ db, user: adminA }), callerB: createCaller({ db, user: adminB }) };
}

describe("users router", () => {
  it("lets an admin invite a user with a one-time link that sets their password once", async () => {
    const { db, callerA, a } = await twoWorkspaces();
    const { userId, setupLink } = await callerA.users.invite({ email: "New.Tech@Example.test", name: "New Tech", role: "technician" });
    const token = setupLink.split("/set-password/")[1]!;
    expect(await findPasswordLink(db, token)).toMatchObject({ state: "valid", email: "new.tech@example.test" });
    await setPasswordFromLink(db, { token, password: "brand new password" });
    expect(await findPasswordLink(db, token)).toEqual({ state: "used" });
    await expect(setPasswordFromLink(db, { token, password: "another password" })).rejects.toThrow(/already been used/);
    const [row] = await db.select().from(users).where(eq(users.id, userId));
    expect(row).toMatchObject({ workspaceId: a.id, role: "technician" });
    expect(row!.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it("refuses a duplicate e-mail and a malformed one with a readable message", async () => {
    const { callerA, adminB } = await twoWorkspaces();
    await expect(callerA.users.invite({ email: adminB.email, name: "Dup", role: "admin" })).rejects.toThrow(/already exists/);
    await expect(callerA.users.invite({ email: "not-an-email", name: "X", role: "admin" })).rejects.toThrow(/valid e-mail/);
  });

  it("refuses technicians and signed-out callers", async () => {
    const { db, a } = await twoWorkspaces();
    const tech = await createUser(db, a.id, { role: "technician" });
    const techCaller = createCaller({ db, user: tech });
    await expect(techCaller.users.invite({ email: "x@example.test", name: "X", role: "admin" })).rejects.toThrow(/Only admins/);
    await expect(techCaller.users.changeRole({ userId: tech.id, role: "admin" })).rejects.toThrow(/Only admins/);
    await expect(createCaller({ db, user: null }).users.list()).rejects.toThrow(/Sign in/);
  });

  it("never lists or changes users of another workspace", async () => {
    const { callerA, adminA, adminB, db, b } = await twoWorkspaces();
    const other = await createUser(db, b.id, { role: "technician" });
    const listed = await callerA.users.list();
    expect(listed.map((user) => user.id)).toEqual([adminA.id]);
    await expect(callerA.users.changeRole({ userId: other.id, role: "admin" })).rejects.toThrow(/No such user/);
    await expect(callerA.users.setActive({ userId: adminB.id, active: false })).rejects.toThrow(/No such user/);
    await expect(callerA.users.issuePasswordLink({ userId: other.id })).rejects.toThrow(/No such user/);
    const [row] = await db.select().from(users).where(eq(users.id, other.id));
    expect(row).toMatchObject({ role: "technician", active: true });
  });

  it("keeps at least one active admin, and ends the sessions of a user whose role changes", async () => {
    const { db, a, adminA, callerA } = await twoWorkspaces();
    await expect(callerA.users.setActive({ userId: adminA.id, active: false })).rejects.toThrow(/last active admin/);
    await expect(callerA.users.changeRole({ userId: adminA.id, role: "technician" })).rejects.toThrow(/last active admin/);
    const second = await createUser(db, a.id, { role: "admin" });
    await callerA.users.changeRole({ userId: second.id, role: "technician" });
    const [session] = await db.select().from(sessions).where(eq(sessions.id, second.sessionId));
    expect(session!.revokedAt).not.toBeNull();
  });
});
