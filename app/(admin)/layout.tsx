import type { ReactNode } from "react";
import { getDb } from "@/server/database";
import { requireUser } from "@/server/auth/current-user";
import { MobileMenu } from "@/components/mobile-menu";
import { LiveNavLinks } from "@/components/live-nav";
import { NotificationPreference } from "@/components/notification-preference";
import { getServerCaller } from "@/server/api/server-caller";
import { TRPCReactProvider } from "@/components/trpc/client";
import { workspaceName } from "@/server/workspaces/settings";
import { signOutAction } from "./actions";

export const dynamic = "force-dynamic";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  const workspace = { name: await workspaceName(await getDb(), user.workspaceId) };
  const pending = await (await getServerCaller()).approvals.pendingCount();
  const account = (
    <div className="space-y-2 border-t border-slate-200 pt-4 text-sm">
      <p className="truncate font-medium text-slate-900">{user.name}</p>
      <p className="truncate text-slate-500">
        {user.email} · {user.role}
      </p>
      <NotificationPreference />
      <form action={signOutAction}>
        <button type="submit" className="min-h-10 rounded-md px-0 text-sm font-medium text-brand-700 hover:underline">
          Sign out
        </button>
      </form>
    </div>
  );
  return (
    <TRPCReactProvider>
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <div className="lg:flex">
        <aside className="hidden w-60 shrink-0 border-r border-slate-200 bg-white lg:sticky lg:top-0 lg:flex lg:h-dvh lg:flex-col lg:justify-between lg:p-4">
          <div className="space-y-6 overflow-y-auto">
            <div>
              <p className="px-3 text-lg font-semibold tracking-tight text-brand-700">Toolgate</p>
              <p className="truncate px-3 text-xs text-slate-500">{workspace?.name}</p>
            </div>
            <LiveNavLinks initialPending={pending} />
          </div>
          {account}
        </aside>
        <header className="sticky top-0 z-30 border-b border-slate-200 bg-white lg:hidden">
          <MobileMenu
            summary={
              <summary className="flex min-h-12 cursor-pointer list-none items-center justify-between px-4">
                <span className="font-semibold text-brand-700">
                  Toolgate <span className="font-normal text-slate-500">· {workspace?.name}</span>
                </span>
                <span className="rounded-md border border-slate-300 px-3 py-1 text-sm text-slate-700">Menu</span>
              </summary>
            }
          >
            <div className="space-y-4 border-t border-slate-200 px-4 py-4">
              <LiveNavLinks initialPending={pending} />
              {account}
            </div>
          </MobileMenu>
        </header>
        <main id="main" className="min-w-0 flex-1 px-4 py-6 sm:px-6 lg:px-10 lg:py-8">
          {children}
        </main>
      </div>
    </TRPCReactProvider>
  );
}
