import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { auditEvents, userIdentities, users, workspaceSso } from "@/db/schema";
import { createCaller } from "@/server/api/root";
import { openSecret } from "@/server/crypto/secret-box";
import { forgetEnv } from "@/server/env";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace, uniqueSuffix } from "@/test/fixtures";
import { startOidcProvider, type TestOidcProvider } from "@/test/oidc-provider";
import { signInWithPassword } from "../sign-in";
import { loadSessionUser } from "../sessions";
import type { SsoConfig } from "./claims";
import { loadSsoConfig, ssoConfigForEmail, ssoSecretContext } from "./config";
import { signInWithSso } from "./sign-in";

const database = setupTestDatabase();
let idp: TestOidcProvider;

beforeAll(async () => {
  idp = await startOidcProvider({ redirectUris: ["http://localhost/api/auth/callback/sso-x"] });
});
afterAll(async () => {
  await idp.close();
});

async function ssoWorkspace(db: Database) {
  const workspace = await createWorkspace(db);
  const admin = await createUser(db, workspace.id, { role: "admin", password: "admin password 1" });
  const domain = `msp-${uniqueSuffix()}.test`;
  const config: SsoConfig = {
    workspaceId: workspace.id,
    workspaceSlug: workspace.slug,
    kind: "oidc",
    issuer: idp.issuer,
    tenant: "",
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    allowedDomains: [domain],
    source: "settings",
  };
  const claims = (subject: string, email: string, extra: Record<string, unknown> = {}) => ({
    iss: idp.issuer,
    sub: subject,
    email,
    email_verified: true,
    name: "Signed In",
    ...extra,
  });
  return { workspace, admin, domain, config, claims, caller: createCaller({ db, user: admin }) };
}

describe("single sign-on", () => {
  it("binds an invited user at their first sign-in by issuer + tenant + subject, never again by e-mail", async () => {
    const { db } = database();
    const { workspace, domain, config, claims, caller } = await ssoWorkspace(db);
    const email = `tess@${domain}`;
    await caller.users.invite({ email, name: "Tess Tech", role: "technician" });

    const first = await signInWithSso(db, config, claims("subject-tess", email));
    expect(first.ok).toBe(true);
    const [user] = await db.select().from(users).where(eq(users.email, email));
    expect(await loadSessionUser(db, (first as { sessionId: string }).sessionId)).toMatchObject({
      id: user!.id,
      workspaceId: workspace.id,
    });
    const [identity] = await db.select().from(userIdentities).where(eq(userIdentities.userId, user!.id));
    expect(identity).toMatchObject({ issuer: idp.issuer, tenant: "", subject: "subject-tess" });
    const listed = await caller.users.list();
    expect(listed.find((entry) => entry.email === email)).toMatchObject({ ssoLinked: true, active: true });
    expect(listed.find((entry) => entry.role === "admin")).toMatchObject({ ssoLinked: false });

    // The same subject with a changed e-mail is still Tess; another subject claiming her e-mail is not.
    expect(await signInWithSso(db, config, claims("subject-tess", `renamed@${domain}`))).toMatchObject({ ok: true, userId: user!.id });
    expect(await signInWithSso(db, config, claims("subject-mallory", email))).toEqual({ ok: false, reason: "identity_mismatch" });
    const refusals = await db.select().from(auditEvents).where(eq(auditEvents.action, "user.sso_refused"));
    expect(refusals.some((event) => event.data.subject === "subject-mallory")).toBe(true);
  });

  it("refuses unverified e-mails and other domains, creates uninvited people of an allowed domain inactive, refuses deactivated users", async () => {
    const { db } = database();
    const { domain, config, claims, caller } = await ssoWorkspace(db);
    expect(await signInWithSso(db, config, claims("s-1", `ann@${domain}`, { email_verified: false }))).toEqual({
      ok: false,
      reason: "email_unverified",
    });
    expect(await signInWithSso(db, config, claims("s-2", "ann@elsewhere.test"))).toEqual({ ok: false, reason: "domain_not_allowed" });
    expect(await db.select().from(users).where(eq(users.email, "ann@elsewhere.test"))).toHaveLength(0);

    const newcomer = `new-${uniqueSuffix()}@${domain}`;
    expect(await signInWithSso(db, config, claims("s-3", newcomer))).toEqual({ ok: false, reason: "pending_activation" });
    const [created] = await db.select().from(users).where(eq(users.email, newcomer));
    expect(created).toMatchObject({ active: false, role: "technician", passwordHash: null });
    expect(await signInWithSso(db, config, claims("s-3", newcomer))).toEqual({ ok: false, reason: "inactive" });
    await caller.users.setActive({ userId: created!.id, active: true });
    expect(await signInWithSso(db, config, claims("s-3", newcomer))).toMatchObject({ ok: true, userId: created!.id });

    await caller.users.setActive({ userId: created!.id, active: false });
    expect(await signInWithSso(db, config, claims("s-3", newcomer))).toEqual({ ok: false, reason: "inactive" });
  });

  it("never opens another workspace's account, and refuses a token from another tenant", async () => {
    const { db } = database();
    const one = await ssoWorkspace(db);
    const other = await ssoWorkspace(db);
    const email = `shared-${uniqueSuffix()}@${one.domain}`;
    await other.caller.users.invite({ email, name: "Other", role: "technician" });
    expect(await signInWithSso(db, one.config, one.claims("s-x", email))).toEqual({ ok: false, reason: "other_workspace" });
    const entra: SsoConfig = {
      ...one.config,
      kind: "entra",
      issuer: "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
      tenant: "72f988bf-86f1-41af-91ab-2d7cd011db47",
    };
    expect(
      await signInWithSso(db, entra, {
        iss: entra.issuer,
        tid: "11111111-1111-1111-1111-111111111111",
        oid: "o",
        email: `a@${one.domain}`,
        xms_edov: true,
      }),
    ).toEqual({
      ok: false,
      reason: "wrong_tenant",
    });
  });

  it("saves a configuration whose issuer passes the outbound-address guard, with the secret encrypted, and finds it by e-mail domain", async () => {
    const { db } = database();
    const { workspace, domain, caller } = await ssoWorkspace(db);
    await expect(
      caller.sso.save({ kind: "entra", tenant: "common", clientId: "x", clientSecret: "y", allowedDomains: [domain], enabled: true }),
    ).rejects.toThrow(/Directory \(tenant\) ID/);
    await caller.sso.save({
      kind: "oidc",
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      allowedDomains: [`@${domain.toUpperCase()}`],
      enabled: true,
    });
    const [row] = await db.select().from(workspaceSso).where(eq(workspaceSso.workspaceId, workspace.id));
    expect(row!.clientSecretCiphertext).not.toContain(idp.clientSecret);
    expect(openSecret(row!.clientSecretCiphertext, ssoSecretContext(workspace.id))).toBe(idp.clientSecret);
    expect(row!.allowedDomains).toEqual([domain]);
    expect(await loadSsoConfig(db, workspace.id)).toMatchObject({ issuer: idp.issuer, clientSecret: idp.clientSecret });
    expect((await ssoConfigForEmail(db, `someone@${domain}`))?.workspaceId).toBe(workspace.id);
    expect(await caller.sso.get()).toMatchObject({
      source: "settings",
      clientSecretSet: true,
      working: false,
      callbackUrl: expect.stringMatching(`/api/auth/callback/sso-${workspace.slug}$`),
    });
    expect(JSON.stringify(await caller.sso.get())).not.toContain(idp.clientSecret);

    // Without loopback in TOOLGATE_UPSTREAM_ALLOWED_NETWORKS the guard refuses an issuer on a loopback address.
    process.env.TOOLGATE_UPSTREAM_ALLOWED_NETWORKS = "";
    forgetEnv();
    try {
      await expect(
        caller.sso.save({ kind: "oidc", issuer: idp.issuer, clientId: "x", allowedDomains: [domain], enabled: true }),
      ).rejects.toThrow(/could not be checked: .*\(loopback\)/);
    } finally {
      process.env.TOOLGATE_UPSTREAM_ALLOWED_NETWORKS = "127.0.0.0/8,::1/128";
      forgetEnv();
    }
  });

  it("turns password sign-in off only once SSO works and with a break-glass admin, who alone keeps a password", async () => {
    const { db } = database();
    const { workspace, admin, domain, caller, claims } = await ssoWorkspace(db);
    const tech = await createUser(db, workspace.id, {
      role: "technician",
      password: "tech password 1",
      email: `tech-${uniqueSuffix()}@${domain}`,
    });
    await expect(caller.sso.setPasswordSignIn({ enabled: false, breakGlassUserId: admin.id })).rejects.toThrow(/sign in through it once/);
    await caller.sso.save({
      kind: "oidc",
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      allowedDomains: [domain],
      enabled: true,
    });
    const config = (await loadSsoConfig(db, workspace.id))!;
    expect(await signInWithSso(db, config, claims("tech-subject", tech.email))).toMatchObject({ ok: true });
    await expect(caller.sso.setPasswordSignIn({ enabled: false, breakGlassUserId: tech.id })).rejects.toThrow(/break-glass admin/);
    await caller.sso.setPasswordSignIn({ enabled: false, breakGlassUserId: admin.id });

    const signIn = (email: string, password: string) => signInWithPassword(db, { email, password, clientAddress: null });
    expect(await signIn(tech.email, "tech password 1")).toEqual({ ok: false, reason: "password_sign_in_off" });
    expect(await signIn(tech.email, "wrong password")).toEqual({ ok: false, reason: "invalid_credentials" });
    expect(await signIn(admin.email, "admin password 1")).toMatchObject({ ok: true });
    // Another admin cannot deactivate or demote the break-glass admin while passwords are off.
    const second = await createUser(db, workspace.id, { role: "admin" });
    const secondCaller = createCaller({ db, user: second });
    await expect(secondCaller.users.setActive({ userId: admin.id, active: false })).rejects.toThrow(/break-glass admin/);
    await expect(secondCaller.users.changeRole({ userId: admin.id, role: "technician" })).rejects.toThrow(/break-glass admin/);
    await expect(
      caller.sso.save({ kind: "oidc", issuer: idp.issuer, clientId: idp.clientId, allowedDomains: [domain], enabled: false }),
    ).rejects.toThrow(/password sign-in back on/);
    await caller.sso.setPasswordSignIn({ enabled: true });
    expect(await signIn(tech.email, "tech password 1")).toMatchObject({ ok: true });
  });

  it("takes a single-workspace install's SSO from TOOLGATE_SSO_* and refuses to save over it", async () => {
    const { db } = database();
    const { workspace, domain, caller } = await ssoWorkspace(db);
    const variables = {
      TOOLGATE_SSO_KIND: "oidc",
      TOOLGATE_SSO_ISSUER: idp.issuer,
      TOOLGATE_SSO_CLIENT_ID: idp.clientId,
      TOOLGATE_SSO_CLIENT_SECRET: idp.clientSecret,
      TOOLGATE_SSO_ALLOWED_DOMAINS: `${domain}, other.test`,
      TOOLGATE_SSO_WORKSPACE: workspace.slug,
    };
    Object.assign(process.env, variables);
    forgetEnv();
    try {
      expect(await loadSsoConfig(db, workspace.id)).toMatchObject({
        source: "environment",
        issuer: idp.issuer,
        allowedDomains: [domain, "other.test"],
      });
      expect((await ssoConfigForEmail(db, `x@${domain}`))?.workspaceId).toBe(workspace.id);
      expect(await caller.sso.get()).toMatchObject({ source: "environment", enabled: true });
      await expect(
        caller.sso.save({ kind: "oidc", issuer: idp.issuer, clientId: "x", clientSecret: "y", allowedDomains: [domain], enabled: true }),
      ).rejects.toThrow(/configured by environment variables/);
    } finally {
      for (const name of Object.keys(variables)) delete process.env[name];
      forgetEnv();
    }
  });
});
