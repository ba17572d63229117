import { cache } from "react";
import { redirect } from "next/navigation";
import { getDb } from "@/server/database";
import { hasAnyAdmin } from "../users/setup";
import { auth } from "./next-auth";
import type { SessionUser } from "./session-user";
import { loadSessionUser } from "./sessions";

/** The signed-in user of this request, checked against the sessions table (once per request). */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  if (!session?.sessionId) return null;
  return loadSessionUser(await getDb(), session.sessionId);
});

/** For signed-in pages: an empty installation goes to /setup, a visitor without a session to /login. */
export async function requireUser(): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (user) return user;
  if (!(await hasAnyAdmin(await getDb()))) redirect("/setup");
  redirect("/login");
}
