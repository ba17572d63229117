import type { Database } from "@/db";
import type { SessionUser } from "./auth/session-user";

/** What a domain function needs to act for a signed-in user: the database and who they are. */
export type UserContext = { db: Database; user: SessionUser };
