import type { UserRole } from "@/db/schema";

/** The page a user lands on after signing in: a technician's work is the Approvals inbox. */
export function landingPath(role: UserRole): string {
  return role === "technician" ? "/approvals" : "/overview";
}
