"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cx } from "./ui/cx";

type NavItem = { href: string; label: string };

export const NAV_SECTIONS: Array<{ title: string | null; items: NavItem[] }> = [
  {
    title: null,
    items: [
      { href: "/overview", label: "Overview" },
      { href: "/approvals", label: "Approvals" },
      { href: "/grants", label: "Grants" },
      { href: "/activity", label: "Activity" },
      { href: "/clients", label: "Clients" },
      { href: "/directory", label: "Directory" },
      { href: "/agents", label: "Agents" },
    ],
  },
  {
    title: "MSP Settings",
    items: [
      { href: "/settings/integrations", label: "Integrations" },
      { href: "/settings/baselines", label: "Baselines" },
      { href: "/settings/users", label: "Users" },
      { href: "/settings/sso", label: "Single sign-on" },
      { href: "/settings/general", label: "General" },
    ],
  },
];

export function NavLinks({ badges = {} }: { badges?: Record<string, number> }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="space-y-5">
      {NAV_SECTIONS.map((section) => (
        <div key={section.title ?? "main"}>
          {section.title ? <p className="mb-1 px-3 text-xs font-semibold uppercase tracking-wide text-slate-500">{section.title}</p> : null}
          <ul className="space-y-0.5">
            {section.items.map((item) => {
              const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
              const badge = badges[item.href];
              return (
                <li key={item.href}>
                  <Link
                    href={item.href}
                    aria-current={active ? "page" : undefined}
                    className={cx(
                      "flex min-h-10 items-center justify-between rounded-md px-3 text-sm font-medium",
                      active ? "bg-brand-50 text-brand-700" : "text-slate-700 hover:bg-slate-100",
                    )}
                  >
                    {item.label}
                    {badge ? (
                      <span
                        className="rounded-full bg-brand-600 px-2 text-xs text-white"
                        data-testid={`nav-badge-${item.label.toLowerCase()}`}
                      >
                        {badge}
                        <span className="sr-only"> waiting</span>
                      </span>
                    ) : null}
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </nav>
  );
}
