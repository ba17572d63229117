import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, users } from "@/db/schema";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace } from "@/test/fixtures";
import { ACCOUNT_FAILURES_PER_WINDOW } from "./login-throttle";
import { loadSessionUser, revokeSession, signOutSession } from "./sessions";
import { signInWithPassword } from "./sign-in";

const database = setupTestDatabase();
const PASSWORD = "a long enough password";

describe("signing in", () => {
  it("opens a server-side session for the right password, and refuses a wrong one or an unknown e-mail alike", async () => {
    const { db } = database();
    const workspace = await createWorkspace(db);
    const user = await createUser(db, workspace.id, { password: PASSWORD });
    const ok = await signInWithPassword(db, { email: user.email.toUpperCase(), password: PASSWORD, clientAddress: "203.0.113.1" });
    expect(ok).toMatchObject({ ok: true, userId: user.id });
    const session = await loadSessionUser(db, (ok as { sessionId: string }).sessionId);
    expect(session).toMatchObject({ id: user.id, workspaceId: workspace.id, role: "admin" });

    const wrongPassword = await signInWithPassword(db, { email: user.email, password: "wrong", clientAddress: "203.0.113.1" });
    const unknownEmail = await signInWithPassword(db, { email: "nobody@example.test", password: PASSWORD, clientAddress: "203.0.113.1" });
    expect(wrongPassword).toEqual({ ok: false, reason: "invalid_credentials" });
    expect(unknownEmail).toEqual(wrongPassword);
    const events = await db.select().from(auditEvents).where(eq(auditEvents.actorId, user.id));
    expect(events.map((event) => event.action).sort()).toEqual(["user.sign_in_failed", "user.signed_in"]);
  });

  it("slows down repeated failures for one account from one address: after five, even the right password must wait", async () => {
    const { db } = database();
    const workspace = await createWorkspace(db);
    const user = await createUser(db, workspace.id, { password: PASSWORD });
    for (let attempt = 0; attempt < 5; attempt++) {
      expect(await signInWithPassword(db, { email: user.email, password: `guess ${attempt}`, clientAddress: null })).toMatchObject({
        reason: "invalid_credentials",
      });
    }
    const throttled = await signInWithPassword(db, { email: user.email, password: PASSWORD, clientAddress: null });
    expect(throttled).toMatchObject({ ok: false, reason: "throttled" });
    expect((throttled as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(0);
    // Another account is not affected.
    const other = await createUser(db, workspace.id, { password: PASSWORD });
    expect(await signInWithPassword(db, { email: other.email, password: PASSWORD, clientAddress: null })).toMatchObject({ ok: true });
  });

  it("slows down one client address guessing across many accounts", async () => {
    const { db } = database();
    for (let attempt = 0; attempt < 21; attempt++) {
      await signInWithPassword(db, { email: `spray-${attempt}@example.test`, password: "x", clientAddress: "198.51.100.7" });
    }
    expect(await signInWithPassword(db, { email: "spray-99@example.test", password: "x", clientAddress: "198.51.100.7" })).toMatchObject({
      reason: "throttled",
    });
    expect(await signInWithPassword(db, { email: "spray-99@example.test", password: "x", clientAddress: "198.51.100.8" })).toMatchObject({
      reason: "invalid_credentials",
    });
  });
});

describe("the login throttle under attack", () => {
  it("checks at most five of 60 parallel wrong passwords, and the real user still signs in from another address", async () => {
    const { db } = database();
    const workspace = await createWorkspace(db);
    const user = await createUser(db, workspace.id, { password: PASSWORD });
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, index) =>
        signInWithPassword(db, { email: user.email, password: `wrong ${index}`, clientAddress: "203.0.113.66" }),
      ),
    );
    const checked = results.filter((result) => !result.ok && result.reason === "invalid_credentials").length;
    expect(checked).toBe(5);
    expect(results.filter((result) => !result.ok && result.reason === "throttled")).toHaveLength(55);
    // The attacker's address is slowed down; the account is not locked for its owner elsewhere.
    expect(await signInWithPassword(db, { email: user.email, password: PASSWORD, clientAddress: "203.0.113.66" })).toMatchObject({
      reason: "throttled",
    });
    expect(await signInWithPassword(db, { email: user.email, password: PASSWORD, clientAddress: "198.51.100.20" })).toMatchObject({
      ok: true,
    });
    const failures = await db.select().from(auditEvents).where(eq(auditEvents.actorId, user.id));
    expect(failures.filter((event) => event.action === "user.sign_in_failed")).toHaveLength(5);
  });

  it("has a slower limit per account across addresses, so spreading guesses over addresses does not go on for ever", async () => {
    const { db } = database();
    const workspace = await createWorkspace(db);
    const user = await createUser(db, workspace.id, { password: PASSWORD });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        signInWithPassword(db, { email: user.email, password: `wrong ${index}`, clientAddress: `198.51.100.${100 + index}` }),
      ),
    );
    const checked = results.filter((result) => !result.ok && result.reason === "invalid_credentials").length;
    expect(checked).toBe(ACCOUNT_FAILURES_PER_WINDOW);
    expect(results.filter((result) => !result.ok && result.reason === "throttled")).toHaveLength(40 - ACCOUNT_FAILURES_PER_WINDOW);
  });
});

describe("sessions", () => {
  it("end at once when revoked, when the user is deactivated, and carry the current role", async () => {
    const { db } = database();
    const workspace = await createWorkspace(db);
    const user = await createUser(db, workspace.id, { role: "technician" });
    expect(await loadSessionUser(db, user.sessionId)).toMatchObject({ role: "technician" });
    await db.update(users).set({ role: "admin" }).where(eq(users.id, user.id));
    expect(await loadSessionUser(db, user.sessionId)).toMatchObject({ role: "admin" });
    await db.update(users).set({ active: false }).where(eq(users.id, user.id));
    expect(await loadSessionUser(db, user.sessionId)).toBeNull();
    await db.update(users).set({ active: true }).where(eq(users.id, user.id));
    await revokeSession(db, user.sessionId);
    expect(await loadSessionUser(db, user.sessionId)).toBeNull();
    expect(await loadSessionUser(db, "ses_doesnotexist")).toBeNull();
  });

  it("sign-out revokes the session and records one event with it; a second sign-out records nothing", async () => {
    const { db } = database();
    const workspace = await createWorkspace(db);
    const user = await createUser(db, workspace.id);
    await signOutSession(db, user);
    await signOutSession(db, user);
    expect(await loadSessionUser(db, user.sessionId)).toBeNull();
    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.workspaceId, workspace.id), eq(auditEvents.action, "user.signed_out")));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: user.id });
  });

  it("refuses a deactivated user's password", async () => {
    const { db } = database();
    const workspace = await createWorkspace(db);
    const user = await createUser(db, workspace.id, { password: PASSWORD });
    await db.update(users).set({ active: false }).where(eq(users.id, user.id));
    expect(await signInWithPassword(db, { email: user.email, password: PASSWORD, clientAddress: null })).toMatchObject({
      reason: "invalid_credentials",
    });
  });
});
