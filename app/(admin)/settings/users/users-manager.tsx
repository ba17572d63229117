"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/trpc/client";
import type { RouterOutputs } from "@/components/trpc/types";
import { Button } from "@/components/ui/button";
import { Field, SelectInput, TextInput } from "@/components/ui/field";
import { Badge, Card, Notice } from "@/components/ui/layout";
import type { UserRole } from "@/db/schema";

type UserListItem = RouterOutputs["users"]["list"][number];

export function UsersManager({ users, currentUserId, isAdmin }: { users: UserListItem[]; currentUserId: string; isAdmin: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [link, setLink] = useState<{ name: string; url: string; emailedTo?: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const onError = (caught: { message: string }) => setError(caught.message);
  const onSuccess = () => {
    setError(null);
    router.refresh();
  };
  const invite = useMutation(trpc.users.invite.mutationOptions({ onError }));
  const changeRole = useMutation(trpc.users.changeRole.mutationOptions({ onSuccess, onError }));
  const setActive = useMutation(trpc.users.setActive.mutationOptions({ onSuccess, onError }));
  const issueLink = useMutation(trpc.users.issuePasswordLink.mutationOptions({ onError }));

  async function onInvite(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get("name"));
    const result = await invite
      .mutateAsync({ email: String(form.get("email")), name, role: form.get("role") as UserRole })
      .catch(() => null);
    if (result) {
      setLink({ name, url: result.setupLink, emailedTo: result.emailed ? String(form.get("email")) : undefined });
      setError(null);
      (event.target as HTMLFormElement).reset();
      router.refresh();
    }
  }

  return (
    <div className="space-y-6">
      {error ? <Notice tone="error">{error}</Notice> : null}
      {link ? (
        <Notice tone="success">
          <p className="font-medium">
            Pass this one-time link to {link.name} so they can set their password (valid for 7 days, shown only now):
          </p>
          {link.emailedTo ? <p className="mt-1">We also e-mailed it to {link.emailedTo}.</p> : null}
          <p className="mt-1 break-all font-mono text-xs" data-testid="setup-link">
            {link.url}
          </p>
        </Notice>
      ) : null}
      {isAdmin ? (
        <Card title="Add a user">
          <form onSubmit={onInvite} className="grid gap-4 sm:grid-cols-[1fr_1fr_auto_auto] sm:items-end">
            <Field label="Name" htmlFor="invite-name">
              <TextInput id="invite-name" name="name" required />
            </Field>
            <Field label="E-mail" htmlFor="invite-email">
              <TextInput id="invite-email" name="email" type="email" required />
            </Field>
            <Field label="Role" htmlFor="invite-role">
              <SelectInput id="invite-role" name="role" defaultValue="technician">
                <option value="technician">Technician</option>
                <option value="admin">Admin</option>
              </SelectInput>
            </Field>
            <Button type="submit" disabled={invite.isPending}>
              Add user
            </Button>
          </form>
        </Card>
      ) : null}
      {/* A table from md up, a stack of cards on a phone (the same elements, restyled). */}
      <div className="rounded-lg border border-slate-200 bg-white md:overflow-x-auto">
        <table className="block w-full text-sm md:table md:min-w-full md:divide-y md:divide-slate-200" data-testid="users-table">
          <thead className="hidden bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500 md:table-header-group">
            <tr>
              <th className="px-4 py-3">User</th>
              <th className="px-4 py-3">Role</th>
              <th className="px-4 py-3">Status</th>
              {isAdmin ? <th className="px-4 py-3 text-right">Actions</th> : null}
            </tr>
          </thead>
          <tbody className="block divide-y divide-slate-100 md:table-row-group">
            {users.map((user) => (
              <tr key={user.id} className="grid grid-cols-[auto_1fr] items-center gap-x-3 gap-y-2 p-4 md:table-row md:p-0">
                <td className="col-span-2 min-w-0 md:table-cell md:px-4 md:py-3">
                  <p className="font-medium text-slate-900">
                    {user.name} {user.id === currentUserId ? <span className="text-slate-500">(you)</span> : null}
                  </p>
                  <p className="break-all text-slate-500">{user.email}</p>
                </td>
                <td className="md:table-cell md:px-4 md:py-3">
                  {isAdmin ? (
                    <SelectInput
                      aria-label={`Role of ${user.name}`}
                      value={user.role}
                      className="w-36"
                      onChange={(event) => changeRole.mutate({ userId: user.id, role: event.target.value as UserRole })}
                    >
                      <option value="technician">Technician</option>
                      <option value="admin">Admin</option>
                    </SelectInput>
                  ) : (
                    user.role
                  )}
                </td>
                <td className="md:table-cell md:px-4 md:py-3">
                  {!user.active ? (
                    <Badge tone="red">{user.ssoLinked && !user.hasPassword ? "Waiting for activation" : "Deactivated"}</Badge>
                  ) : user.hasPassword || user.ssoLinked ? (
                    <Badge tone="green">Active</Badge>
                  ) : (
                    <Badge tone="amber">Invited</Badge>
                  )}
                  {user.ssoLinked ? (
                    <span className="ml-1">
                      <Badge tone="blue" title="Signs in with single sign-on">
                        SSO
                      </Badge>
                    </span>
                  ) : null}
                </td>
                {isAdmin ? (
                  <td className="col-span-2 flex flex-wrap gap-2 md:table-cell md:space-x-2 md:whitespace-nowrap md:px-4 md:py-3 md:text-right">
                    <Button
                      size="sm"
                      variant="ghost"
                      onClick={async () => {
                        const result = await issueLink.mutateAsync({ userId: user.id }).catch(() => null);
                        if (result) setLink({ name: user.name, url: result.setupLink });
                      }}
                    >
                      New password link
                    </Button>
                    <Button
                      size="sm"
                      variant={user.active ? "secondary" : "primary"}
                      onClick={() => setActive.mutate({ userId: user.id, active: !user.active })}
                    >
                      {user.active ? "Deactivate" : "Reactivate"}
                    </Button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
