import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, jobs, passwordSetupTokens, workspaces } from "@/db/schema";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace, uniqueSuffix } from "@/test/fixtures";
import { decodedBody, sharedSmtpCapture } from "@/test/smtp-capture";
import { jobHandlers } from "../jobs/handlers";
import { createWorker } from "../jobs/worker";
import { inviteUser } from "./invite-user";
import { requestPasswordReset } from "./password-link-mail";

const database = setupTestDatabase();

async function world(options: { smtp?: boolean; passwordSignIn?: boolean } = {}) {
  const handle = database();
  const { db } = handle;
  const workspace = await createWorkspace(db);
  const smtp = await sharedSmtpCapture();
  if (options.smtp !== false)
    await db
      .update(workspaces)
      .set({ smtpSettings: { host: "127.0.0.1", port: smtp.port, secure: false, username: null, from: "Toolgate <t@msp.test>" } })
      .where(eq(workspaces.id, workspace.id));
  const admin = await createUser(db, workspace.id, {
    role: "admin",
    email: `admin-${uniqueSuffix()}@msp.test`,
    password: "old password 1",
  });
  const tech = await createUser(db, workspace.id, {
    role: "technician",
    email: `tech-${uniqueSuffix()}@msp.test`,
    password: "old password 2",
  });
  if (options.passwordSignIn === false)
    await db.update(workspaces).set({ passwordSignIn: false, breakGlassUserId: admin.id }).where(eq(workspaces.id, workspace.id));
  const worker = createWorker(handle, { handlers: jobHandlers, backoffMs: () => 0 });
  const drain = async () => {
    for (let pass = 0; pass < 10 && (await worker.runOnce()) > 0; pass++);
  };
  const mailsTo = (email: string) =>
    smtp.messages.filter((message) => message.to.includes(email)).map((message) => decodedBody(message.raw));
  return { db, workspace, admin, tech, drain, mailsTo };
}

describe("forgot password", () => {
  it("e-mails a one-time link; only its hash is stored and the queued job holds it sealed", async () => {
    const { db, tech, drain, mailsTo } = await world();
    expect(await requestPasswordReset(db, { email: ` ${tech.email.toUpperCase()} `, clientAddress: "203.0.113.7" })).toBeUndefined();
    await drain();
    const [mail] = mailsTo(tech.email);
    const token = mail!.match(/\/set-password\/([A-Za-z0-9_-]+)/)![1]!;
    expect(mail).toContain("Reset your Toolgate password");
    const stored = await db.select().from(passwordSetupTokens).where(eq(passwordSetupTokens.userId, tech.id));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.tokenHash).not.toContain(token);
    const queued = await db.select().from(jobs).where(eq(jobs.kind, "send_password_link"));
    expect(JSON.stringify(queued)).not.toContain(token);
  });

  it("answers the same and sends nothing for an unknown address, a workspace without SMTP, or an SSO-only workspace — except its break-glass admin", async () => {
    const plain = await world();
    expect(await requestPasswordReset(plain.db, { email: `nobody-${uniqueSuffix()}@msp.test`, clientAddress: null })).toBeUndefined();

    const noSmtp = await world({ smtp: false });
    await requestPasswordReset(noSmtp.db, { email: noSmtp.tech.email, clientAddress: null });
    await noSmtp.drain();
    expect(noSmtp.mailsTo(noSmtp.tech.email)).toEqual([]);

    const sso = await world({ passwordSignIn: false });
    await requestPasswordReset(sso.db, { email: sso.tech.email, clientAddress: null });
    await requestPasswordReset(sso.db, { email: sso.admin.email, clientAddress: null });
    await sso.drain();
    expect(sso.mailsTo(sso.tech.email)).toEqual([]);
    expect(sso.mailsTo(sso.admin.email)).toHaveLength(1);
  });

  it("is throttled: past the allowance in 15 minutes for one address, no further link is made", async () => {
    const { db, tech } = await world();
    for (let request = 0; request < 9; request++) await requestPasswordReset(db, { email: tech.email, clientAddress: null });
    const requested = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, tech.id), eq(auditEvents.action, "user.password_reset_requested")));
    // Five requests per 15 minutes: the rest make no link.
    expect(requested).toHaveLength(5);
  });

  it("e-mails an invitation when SMTP is set, and not when it is not", async () => {
    const withSmtp = await world();
    const invited = await inviteUser(
      { db: withSmtp.db, user: withSmtp.admin },
      { email: `new-${uniqueSuffix()}@msp.test`, name: "New Person", role: "technician" },
    );
    expect(invited.emailed).toBe(true);
    await withSmtp.drain();
    const email = (await withSmtp.db.query.users.findFirst({ where: (users, { eq: equals }) => equals(users.id, invited.userId) }))!.email;
    const [mail] = withSmtp.mailsTo(email);
    expect(mail).toContain("You have been invited to Toolgate");
    expect(mail).toContain(invited.setupLink);

    const without = await world({ smtp: false });
    expect(
      (await inviteUser({ db: without.db, user: without.admin }, { email: `n-${uniqueSuffix()}@msp.test`, name: "N", role: "technician" }))
        .emailed,
    ).toBe(false);
  });
});
