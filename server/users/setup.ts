import { eq, sql } from "drizzle-orm";
import type { Database, Executor } from "@/db";
import { users, workspaces } from "@/db/schema";
import { recordAudit } from "../audit/record";
import { ServiceError } from "../errors";
import { hashPassword } from "../auth/password";
import { slugify } from "../workspaces/slug";

/** Serialises first-admin creation across instances (any constant; all instances agree). */
const SETUP_LOCK_KEY = 72_410_002;

export async function hasAnyAdmin(db: Executor): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.role, "admin")).limit(1);
  return row !== undefined;
}

export type FirstAdminInput = { workspaceName: string; email: string; name: string; password: string };

/**
 * Creates the workspace and its first admin, once. Two set-ups racing each other (two tabs, two
 * instances) are serialised by an advisory lock; the loser is told set-up is already done.
 */
export async function setUpFirstAdmin(db: Database, input: FirstAdminInput): Promise<{ workspaceId: string; userId: string }> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SETUP_LOCK_KEY})`);
    if (await hasAnyAdmin(tx)) throw new ServiceError("conflict", "Toolgate is already set up: sign in instead.");
    let [workspace] = await tx.select().from(workspaces).limit(1);
    workspace ??= (
      await tx
        .insert(workspaces)
        .values({ name: input.workspaceName, slug: slugify(input.workspaceName) })
        .returning()
    )[0];
    if (!workspace) throw new Error("workspace insert returned nothing");
    const [user] = await tx
      .insert(users)
      .values({ workspaceId: workspace.id, email: input.email.trim().toLowerCase(), name: input.name.trim(), role: "admin", passwordHash })
      .returning({ id: users.id });
    if (!user) throw new Error("user insert returned nothing");
    await recordAudit(tx, {
      workspaceId: workspace.id,
      actorType: "user",
      actorId: user.id,
      action: "workspace.set_up",
      data: { email: input.email },
    });
    return { workspaceId: workspace.id, userId: user.id };
  });
}
