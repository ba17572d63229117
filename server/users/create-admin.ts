import { eq } from "drizzle-orm";
import type { Database } from "@/db";
import { users, workspaces } from "@/db/schema";
import { recordAudit } from "../audit/record";
import { hashPassword, MIN_PASSWORD_LENGTH } from "../auth/password";
import { ServiceError } from "../errors";
import { SLUG_PATTERN, slugify } from "../workspaces/slug";

/** Finds the workspace a headless command means: the named one, or the only one there is. */
export async function resolveWorkspace(db: Database, slug: string | undefined) {
  const all = await db.select().from(workspaces);
  if (slug) {
    const match = all.find((workspace) => workspace.slug === slug);
    if (!match)
      throw new ServiceError("not_found", `No workspace with the slug "${slug}" (have: ${all.map((w) => w.slug).join(", ") || "none"}).`);
    return match;
  }
  if (all.length === 1) return all[0]!;
  if (all.length === 0) return null;
  throw new ServiceError(
    "invalid_input",
    `There are ${all.length} workspaces: name one with --workspace (${all.map((w) => w.slug).join(", ")}).`,
  );
}

/**
 * Headless set-up: adds an admin to the workspace named by its slug, creating it when it does not
 * exist yet and a name is given (or, with no slug, to the only workspace, creating one on an empty
 * installation). Refuses an e-mail that is already taken.
 */
export async function createAdmin(
  db: Database,
  input: { email: string; name: string; password: string; workspaceSlug?: string; workspaceName?: string },
): Promise<{ workspaceSlug: string; userId: string }> {
  if (input.password.length < MIN_PASSWORD_LENGTH)
    throw new ServiceError("invalid_input", `The password must have at least ${MIN_PASSWORD_LENGTH} characters.`);
  const email = input.email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new ServiceError("invalid_input", `"${input.email}" is not an e-mail address.`);
  const [taken] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  if (taken) throw new ServiceError("conflict", `A user with the e-mail ${email} already exists.`);
  const slug = input.workspaceSlug?.trim();
  if (slug !== undefined && !SLUG_PATTERN.test(slug))
    throw new ServiceError(
      "invalid_input",
      `"${slug}" is not a workspace slug: use lower-case letters, digits and dashes (up to 40), e.g. acme-msp.`,
    );
  // A named workspace that does not exist yet is created when --workspace-name says what to call it.
  const [named] = slug ? await db.select().from(workspaces).where(eq(workspaces.slug, slug)) : [];
  if (slug && !named && !input.workspaceName?.trim())
    throw new ServiceError("not_found", `No workspace with the slug "${slug}": to create it, add --workspace-name "<its name>".`);
  const existing = slug ? (named ?? null) : await resolveWorkspace(db, undefined);
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const name = input.workspaceName?.trim() || "My MSP";
    const workspace =
      existing ??
      (
        await tx
          .insert(workspaces)
          .values({ name, slug: slug ?? slugify(name) })
          .returning()
      )[0]!;
    const [user] = await tx
      .insert(users)
      .values({ workspaceId: workspace.id, email, name: input.name, role: "admin", passwordHash })
      .returning({ id: users.id });
    await recordAudit(tx, {
      workspaceId: workspace.id,
      actorType: "system",
      action: "user.created_by_cli",
      subjectType: "user",
      subjectId: user!.id,
      data: { email, role: "admin" },
    });
    return { workspaceSlug: workspace.slug, userId: user!.id };
  });
}
