// The app servers Playwright runs against: one per browser project, each with its own database.
const base = Number(process.env.E2E_PORT_BASE ?? 3200);

export const E2E_SERVERS = [
  { name: "desktop", port: base, env: {} },
  { name: "mobile", port: base + 1, env: {} },
];
