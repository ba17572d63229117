import { and, asc, desc, eq, ilike, or } from "drizzle-orm";
import type { Database } from "@/db";
import { demoEvents, demoGroupMembers, demoGroups, demoUsers, type ToolAnnotations } from "@/db/schema";

/** A failure the demo directory reports to its caller as a tool error (MCP `isError`). */
export class DemoToolError extends Error {}

type Args = Record<string, unknown>;
type DemoTool = {
  name: string;
  title: string;
  description: string;
  inputSchema: Record<string, unknown>;
  annotations?: ToolAnnotations;
  run: (db: Database, directoryId: string, args: Args) => Promise<unknown>;
};

const email = { type: "string", format: "email", description: "The user's e-mail address" } as const;
const object = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: "object",
  properties,
  required,
  additionalProperties: false,
});

async function findUser(db: Database, directoryId: string, address: unknown) {
  const [user] = await db
    .select()
    .from(demoUsers)
    .where(and(eq(demoUsers.directoryId, directoryId), eq(demoUsers.email, String(address).toLowerCase())));
  if (!user) throw new DemoToolError(`No user ${String(address)} in this directory.`);
  return user;
}

async function findGroup(db: Database, directoryId: string, name: unknown) {
  const [group] = await db
    .select()
    .from(demoGroups)
    .where(and(eq(demoGroups.directoryId, directoryId), eq(demoGroups.name, String(name))));
  if (!group) throw new DemoToolError(`No group "${String(name)}" in this directory.`);
  return group;
}

async function log(db: Database, directoryId: string, action: string, detail: Record<string, unknown>) {
  await db.insert(demoEvents).values({ directoryId, action, detail });
}

const publicUser = (user: typeof demoUsers.$inferSelect) => ({
  email: user.email,
  name: user.name,
  department: user.department,
  title: user.title,
  manager: user.managerEmail,
  enabled: user.enabled,
  licenses: user.licenses,
});

/**
 * The demo directory's tools. Most carry no annotations (judged by their names); a few carry
 * annotations that contradict their names, as real servers sometimes do, so seeding's
 * "stricter wins" rule has something to show.
 */
export const DEMO_TOOLS: DemoTool[] = [
  {
    name: "get_user",
    title: "Get user",
    description: "Look up one user by e-mail: name, department, title, manager, licences and whether the account is enabled.",
    inputSchema: object({ email }, ["email"]),
    annotations: { readOnlyHint: true },
    run: async (db, id, args) => publicUser(await findUser(db, id, args.email)),
  },
  {
    name: "list_users",
    title: "List users",
    description: "List every user in the directory, optionally only enabled ones.",
    inputSchema: object({ enabledOnly: { type: "boolean", description: "Only enabled accounts" } }),
    run: async (db, id, args) => {
      const rows = await db.select().from(demoUsers).where(eq(demoUsers.directoryId, id)).orderBy(asc(demoUsers.name));
      return { users: rows.filter((row) => !args.enabledOnly || row.enabled).map(publicUser) };
    },
  },
  {
    name: "search_users",
    title: "Search users",
    description: "Find users whose name, e-mail or department contains the text.",
    inputSchema: object({ query: { type: "string", minLength: 1, maxLength: 100 } }, ["query"]),
    annotations: { readOnlyHint: true },
    run: async (db, id, args) => {
      const pattern = `%${String(args.query).replace(/[%_\\]/g, "\\$&")}%`;
      const rows = await db
        .select()
        .from(demoUsers)
        .where(
          and(
            eq(demoUsers.directoryId, id),
            or(ilike(demoUsers.name, pattern), ilike(demoUsers.email, pattern), ilike(demoUsers.department, pattern)),
          ),
        )
        .orderBy(asc(demoUsers.name));
      return { users: rows.map(publicUser) };
    },
  },
  {
    name: "list_group_members",
    title: "List group members",
    description: "List the members of a group.",
    inputSchema: object({ group: { type: "string", minLength: 1 } }, ["group"]),
    run: async (db, id, args) => {
      const group = await findGroup(db, id, args.group);
      const rows = await db
        .select({ email: demoGroupMembers.userEmail })
        .from(demoGroupMembers)
        .where(and(eq(demoGroupMembers.directoryId, id), eq(demoGroupMembers.groupName, group.name)))
        .orderBy(asc(demoGroupMembers.userEmail));
      return { group: group.name, members: rows.map((row) => row.email) };
    },
  },
  {
    name: "fetch_audit_log",
    title: "Fetch audit log",
    description: "The directory's most recent changes (who was added, removed, reset, disabled).",
    inputSchema: object({ limit: { type: "integer", minimum: 1, maximum: 200 } }),
    run: async (db, id, args) => {
      const rows = await db
        .select()
        .from(demoEvents)
        .where(eq(demoEvents.directoryId, id))
        .orderBy(desc(demoEvents.id))
        .limit(Number(args.limit ?? 50));
      return { events: rows.map((row) => ({ at: row.at.toISOString(), action: row.action, ...row.detail })) };
    },
  },
  {
    name: "get_license_usage",
    title: "Get licence usage",
    description: "Count assigned licences per product. (This server marks it destructive: it also releases unused seats.)",
    inputSchema: object({}),
    annotations: { destructiveHint: true },
    run: async (db, id) => {
      const rows = await db.select({ licenses: demoUsers.licenses }).from(demoUsers).where(eq(demoUsers.directoryId, id));
      const counts: Record<string, number> = {};
      for (const row of rows) for (const license of row.licenses) counts[license] = (counts[license] ?? 0) + 1;
      return { licenses: counts };
    },
  },
  {
    name: "list_mailbox_delegates",
    title: "List mailbox delegates",
    description: "Who may read and send from a user's mailbox.",
    inputSchema: object({ email }, ["email"]),
    annotations: { readOnlyHint: true },
    run: async (db, id, args) => {
      const user = await findUser(db, id, args.email);
      return { mailbox: user.email, delegates: user.mailboxDelegates };
    },
  },
  {
    name: "user_offboarding_checklist",
    title: "Offboarding checklist",
    description: "What would have to change to offboard a user: groups, licences, mailbox delegates.",
    inputSchema: object({ email }, ["email"]),
    annotations: { readOnlyHint: true },
    run: async (db, id, args) => {
      const user = await findUser(db, id, args.email);
      const groups = await db
        .select({ name: demoGroupMembers.groupName })
        .from(demoGroupMembers)
        .where(and(eq(demoGroupMembers.directoryId, id), eq(demoGroupMembers.userEmail, user.email)));
      return { user: user.email, groups: groups.map((group) => group.name), licenses: user.licenses, delegates: user.mailboxDelegates };
    },
  },
  {
    name: "add_user_to_group",
    title: "Add user to group",
    description: "Add a user to a group (grants whatever the group grants: shares, VPN, mailboxes).",
    inputSchema: object({ email, group: { type: "string", minLength: 1 } }, ["email", "group"]),
    run: async (db, id, args) => {
      const user = await findUser(db, id, args.email);
      const group = await findGroup(db, id, args.group);
      const inserted = await db
        .insert(demoGroupMembers)
        .values({ directoryId: id, groupName: group.name, userEmail: user.email })
        .onConflictDoNothing()
        .returning();
      if (inserted.length) await log(db, id, "group.member_added", { group: group.name, user: user.email });
      return { group: group.name, user: user.email, added: inserted.length > 0 };
    },
  },
  {
    name: "remove_user_from_group",
    title: "Remove user from group",
    description: "Remove a user from a group.",
    inputSchema: object({ email, group: { type: "string", minLength: 1 } }, ["email", "group"]),
    annotations: { destructiveHint: true },
    run: async (db, id, args) => {
      const user = await findUser(db, id, args.email);
      const group = await findGroup(db, id, args.group);
      const removed = await db
        .delete(demoGroupMembers)
        .where(
          and(eq(demoGroupMembers.directoryId, id), eq(demoGroupMembers.groupName, group.name), eq(demoGroupMembers.userEmail, user.email)),
        )
        .returning();
      if (removed.length) await log(db, id, "group.member_removed", { group: group.name, user: user.email });
      return { group: group.name, user: user.email, removed: removed.length > 0 };
    },
  },
  {
    name: "create_user",
    title: "Create user",
    description: "Create a user account.",
    inputSchema: object(
      {
        email,
        name: { type: "string", minLength: 1, maxLength: 200 },
        department: { type: "string" },
        title: { type: "string" },
        manager: { ...email, description: "The manager's e-mail" },
      },
      ["email", "name"],
    ),
    run: async (db, id, args) => {
      const address = String(args.email).toLowerCase();
      if (args.manager) await findUser(db, id, args.manager);
      const inserted = await db
        .insert(demoUsers)
        .values({
          directoryId: id,
          email: address,
          name: String(args.name),
          department: String(args.department ?? ""),
          title: String(args.title ?? ""),
          managerEmail: args.manager ? String(args.manager).toLowerCase() : null,
        })
        .onConflictDoNothing()
        .returning();
      if (!inserted[0]) throw new DemoToolError(`A user ${address} already exists.`);
      await log(db, id, "user.created", { user: address });
      return publicUser(inserted[0]);
    },
  },
  {
    name: "update_user",
    title: "Update user",
    description: "Change a user's name, department, title or manager.",
    inputSchema: object(
      {
        email,
        name: { type: "string", minLength: 1 },
        department: { type: "string" },
        title: { type: "string" },
        manager: { ...email, description: "The new manager's e-mail" },
      },
      ["email"],
    ),
    run: async (db, id, args) => {
      const user = await findUser(db, id, args.email);
      if (args.manager) await findUser(db, id, args.manager);
      const changes = {
        ...(args.name !== undefined ? { name: String(args.name) } : {}),
        ...(args.department !== undefined ? { department: String(args.department) } : {}),
        ...(args.title !== undefined ? { title: String(args.title) } : {}),
        ...(args.manager !== undefined ? { managerEmail: String(args.manager).toLowerCase() } : {}),
      };
      if (Object.keys(changes).length === 0)
        throw new DemoToolError("Nothing to change: give at least one of name, department, title, manager.");
      const [updated] = await db
        .update(demoUsers)
        .set(changes)
        .where(and(eq(demoUsers.directoryId, id), eq(demoUsers.email, user.email)))
        .returning();
      await log(db, id, "user.updated", { user: user.email, changes });
      return publicUser(updated!);
    },
  },
  {
    name: "reset_password",
    title: "Reset password",
    description: "Reset a user's password and require a new one at next sign-in. Returns a one-time temporary password.",
    inputSchema: object({ email }, ["email"]),
    annotations: { destructiveHint: true },
    run: async (db, id, args) => {
      const user = await findUser(db, id, args.email);
      await db
        .update(demoUsers)
        .set({ passwordResetCount: user.passwordResetCount + 1 })
        .where(and(eq(demoUsers.directoryId, id), eq(demoUsers.email, user.email)));
      await log(db, id, "user.password_reset", { user: user.email });
      return { user: user.email, temporaryPassword: `Temp-${Math.random().toString(36).slice(2, 8)}!`, mustChangeAtNextSignIn: true };
    },
  },
  {
    name: "disable_user",
    title: "Disable user",
    description: "Block sign-in for a user (the account and its data are kept).",
    inputSchema: object({ email }, ["email"]),
    annotations: { destructiveHint: true },
    run: async (db, id, args) => {
      const user = await findUser(db, id, args.email);
      await db
        .update(demoUsers)
        .set({ enabled: false })
        .where(and(eq(demoUsers.directoryId, id), eq(demoUsers.email, user.email)));
      await log(db, id, "user.disabled", { user: user.email });
      return { user: user.email, enabled: false };
    },
  },
  {
    name: "delete_user",
    title: "Delete user",
    description: "Delete a user account and its group memberships. (This server wrongly marks it read-only.)",
    inputSchema: object({ email }, ["email"]),
    annotations: { readOnlyHint: true },
    run: async (db, id, args) => {
      const user = await findUser(db, id, args.email);
      await db.delete(demoGroupMembers).where(and(eq(demoGroupMembers.directoryId, id), eq(demoGroupMembers.userEmail, user.email)));
      await db.delete(demoUsers).where(and(eq(demoUsers.directoryId, id), eq(demoUsers.email, user.email)));
      await log(db, id, "user.deleted", { user: user.email });
      return { user: user.email, deleted: true };
    },
  },
  {
    name: "send_email",
    title: "Send e-mail",
    description: "Send an e-mail from the directory's notification mailbox.",
    inputSchema: object(
      {
        to: { type: "string", format: "email" },
        subject: { type: "string", minLength: 1, maxLength: 200 },
        body: { type: "string", maxLength: 10_000 },
      },
      ["to", "subject", "body"],
    ),
    run: async (db, id, args) => {
      await log(db, id, "email.sent", { to: args.to, subject: args.subject });
      return { sent: true, to: args.to };
    },
  },
  {
    name: "assign_license",
    title: "Assign licence",
    description: "Assign a product licence to a user.",
    inputSchema: object(
      {
        email,
        license: { type: "string", enum: ["M365 Business Basic", "M365 Business Standard", "M365 Business Premium", "M365 E3", "M365 E5"] },
      },
      ["email", "license"],
    ),
    run: async (db, id, args) => {
      const user = await findUser(db, id, args.email);
      const licenses = Array.from(new Set([...user.licenses, String(args.license)]));
      await db
        .update(demoUsers)
        .set({ licenses })
        .where(and(eq(demoUsers.directoryId, id), eq(demoUsers.email, user.email)));
      await log(db, id, "license.assigned", { user: user.email, license: args.license });
      return { user: user.email, licenses };
    },
  },
  {
    name: "grant_mailbox_access",
    title: "Grant mailbox access",
    description: "Let one user read and send from another user's mailbox.",
    inputSchema: object({ mailbox: email, delegate: email }, ["mailbox", "delegate"]),
    run: async (db, id, args) => {
      const mailbox = await findUser(db, id, args.mailbox);
      const delegate = await findUser(db, id, args.delegate);
      const delegates = Array.from(new Set([...mailbox.mailboxDelegates, delegate.email]));
      await db
        .update(demoUsers)
        .set({ mailboxDelegates: delegates })
        .where(and(eq(demoUsers.directoryId, id), eq(demoUsers.email, mailbox.email)));
      await log(db, id, "mailbox.access_granted", { mailbox: mailbox.email, delegate: delegate.email });
      return { mailbox: mailbox.email, delegates };
    },
  },
  {
    name: "mailbox_permissions_sync",
    title: "Mailbox permissions sync",
    description: "Re-apply every mailbox's delegate permissions from the directory (fixes drift after migrations).",
    inputSchema: object({}),
    run: async (db, id) => {
      const rows = await db.select({ email: demoUsers.email }).from(demoUsers).where(eq(demoUsers.directoryId, id));
      await log(db, id, "mailbox.permissions_synced", { mailboxes: rows.length });
      return { mailboxes: rows.length, synced: true };
    },
  },
];
