"use server";

import { getDb } from "@/server/database";
import { getCurrentUser } from "@/server/auth/current-user";
import { signOut } from "@/server/auth/next-auth";
import { signOutSession } from "@/server/auth/sessions";

/** Ends the session on the server first, so the old cookie is refused even if a copy was kept. */
export async function signOutAction(): Promise<void> {
  const user = await getCurrentUser();
  if (user) await signOutSession(await getDb(), user);
  await signOut({ redirectTo: "/login" });
}
