import { redirect } from "next/navigation";
import { landingPath } from "@/server/auth/landing";
import { requireUser } from "@/server/auth/current-user";

export const dynamic = "force-dynamic";

/** Where signing in lands: technicians on their Approvals inbox, admins on the Overview. */
export default async function Home() {
  redirect(landingPath((await requireUser()).role));
}
