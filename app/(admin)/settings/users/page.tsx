import { getServerCaller } from "@/server/api/server-caller";
import { requireUser } from "@/server/auth/current-user";
import { PageHeader } from "@/components/ui/layout";
import { UsersManager } from "./users-manager";

export const metadata = { title: "Users" };

export default async function UsersPage() {
  const user = await requireUser();
  const users = await (await getServerCaller()).users.list();
  return (
    <>
      <PageHeader
        title="Users"
        description="Admins and technicians of your MSP. Admins manage settings and policies; technicians approve requests and read activity."
      />
      <UsersManager users={users} currentUserId={user.id} isAdmin={user.role === "admin"} />
    </>
  );
}
