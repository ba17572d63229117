import { defineConfig } from "vitest/config";

const DB_TESTS = ["**/*.db.test.ts"];
const IGNORED = ["node_modules/**", ".next/**", "e2e/**", ".data/**", ".test-tmp/**"];

/**
 * Pure tests run once; database tests (`*.db.test.ts`) run on PGlite always, and again on
 * PostgreSQL when TEST_DATABASE_URL is set. Each database test file gets its own fresh database,
 * cloned from a migrated template (see test/global-setup.ts).
 */
export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    globalSetup: ["test/global-setup.ts"],
    maxWorkers: 2,
    // Route handlers that read the session import next-auth, which imports next/server.
    server: { deps: { inline: ["next-auth"] } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { TOOLGATE_LOG_REQUESTS: "off", TOOLGATE_ALLOW_PRIVATE_UPSTREAMS: "1", TOOLGATE_DATA_DIR: ".test-tmp/data" },
    projects: [
      { extends: true, test: { name: "unit", include: ["**/*.test.ts"], exclude: [...IGNORED, ...DB_TESTS] } },
      { extends: true, test: { name: "pglite", include: DB_TESTS, exclude: IGNORED, env: { TEST_DRIVER: "pglite" } } },
      ...(process.env.TEST_DATABASE_URL
        ? [{ extends: true as const, test: { name: "postgres", include: DB_TESTS, exclude: IGNORED, env: { TEST_DRIVER: "postgres" } } }]
        : []),
    ],
  },
});
