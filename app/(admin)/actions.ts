"use server";

import { getDb } from "@/db";
import { getCurrentUser } from "@/server/auth/current-user";
import { signOut } from "@/server/auth/next-auth";
import { revokeSession } from "@/server/auth/sessions";
import { recordAudit } from "@/server/audit/record";

/** Ends the session on the server first, so the old cookie is refused even if a copy was kept. */
export async function signOutAction(): Promise<void> {
  const user = await getCurrentUser();
  if (user) {
    const db = await getDb();
    await revokeSession(db, user.sessionId);
    await recordAudit(db, { workspaceId: user.workspaceId, actorType: "user", actorId: user.id, action: "user.signed_out" });
  }
  await signOut({ redirectTo: "/login" });
}
