import { boolean, index, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { idColumn, timestamps } from "./columns";
import { users } from "./users";
import { workspaces } from "./workspaces";

/** Microsoft Entra ID, Google Workspace, or any OpenID Connect issuer. */
export const SSO_KINDS = ["entra", "google", "oidc"] as const;
export type SsoKind = (typeof SSO_KINDS)[number];
export const ssoKind = pgEnum("sso_kind", SSO_KINDS);

/** A workspace's single sign-on: one OpenID Connect issuer. The client secret is stored encrypted. */
export const workspaceSso = pgTable("workspace_sso", {
  workspaceId: text()
    .primaryKey()
    .references(() => workspaces.id),
  kind: ssoKind().notNull(),
  /** Always tenant-specific (never Entra's common/organizations/consumers). */
  issuer: text().notNull(),
  /** Entra: the directory (tenant) id; Google: the Workspace domain (`hd`); generic OIDC: empty. */
  tenant: text().notNull().default(""),
  clientId: text().notNull(),
  clientSecretCiphertext: text().notNull(),
  /** E-mail domains whose people may sign in (and, uninvited, be created inactive). */
  allowedDomains: jsonb().$type<string[]>().notNull().default([]),
  enabled: boolean().notNull().default(true),
  /** The first successful sign-in through this configuration: password sign-in can be turned off only after it. */
  verifiedAt: timestamp({ withTimezone: true }),
  ...timestamps(),
});

/**
 * An SSO identity bound to a user: issuer + tenant + subject, never the e-mail (which the
 * identity provider's users may be able to change). Bound at the user's first SSO sign-in.
 */
export const userIdentities = pgTable(
  "user_identities",
  {
    id: idColumn("identity"),
    workspaceId: text()
      .notNull()
      .references(() => workspaces.id),
    userId: text()
      .notNull()
      .references(() => users.id),
    issuer: text().notNull(),
    tenant: text().notNull().default(""),
    subject: text().notNull(),
    /** The verified e-mail the identity provider sent at binding, for the Users page. */
    email: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSignInAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("user_identities_issuer_tenant_subject_idx").on(t.issuer, t.tenant, t.subject),
    index("user_identities_user_id_idx").on(t.userId),
  ],
);
