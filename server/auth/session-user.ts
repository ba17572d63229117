import type { UserRole } from "@/db/schema";

/** The signed-in user as every domain function sees them: always scoped to one workspace. */
export type SessionUser = {
  id: string;
  sessionId: string;
  workspaceId: string;
  email: string;
  name: string;
  role: UserRole;
};
