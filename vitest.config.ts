import { defineConfig } from "vitest/config";

const DB_TESTS = ["**/*.db.test.ts"];
const PROOF_TESTS = ["test/proof/**/*.proof.test.ts"];
/** Agent clients (the MCP SDK, LangChain, the AI SDK, the OpenAI Agents SDK) against a production build. */
const AGENT_TESTS = ["test/agents/**/*.agents.test.ts"];
/** Proof tests of crashes, restarts and database faults: they need a database outside the process. */
const POSTGRES_ONLY_PROOF_TESTS = [
  "test/proof/crash.proof.test.ts",
  "test/proof/db-faults.proof.test.ts",
  "test/proof/escalation-crash.proof.test.ts",
];
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
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: {
      TOOLGATE_LOG_REQUESTS: "off",
      TOOLGATE_LOG_JOBS: "off",
      // Tests' upstreams (MCP, Slack, SMTP, Jira stubs) listen on loopback: the sanctioned way to let
      // them be reached. Production's default is empty, so loopback is refused there.
      TOOLGATE_UPSTREAM_ALLOWED_NETWORKS: "127.0.0.0/8,::1/128",
      TOOLGATE_DATA_DIR: ".test-tmp/data",
    },
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["**/*.test.ts"], exclude: [...IGNORED, ...DB_TESTS, ...PROOF_TESTS, ...AGENT_TESTS] },
      },
      // The proof suite (property tests of the invariants: one decision, exactly once, crashes, database faults)
      // against production servers, on PostgreSQL when TEST_DATABASE_URL is set, else PGlite.
      {
        extends: true,
        test: {
          name: "proof",
          include: PROOF_TESTS,
          exclude: [...IGNORED, ...(process.env.TEST_DATABASE_URL ? [] : POSTGRES_ONLY_PROOF_TESTS)],
          fileParallelism: false,
          testTimeout: 600_000,
        },
      },
      // Real agent clients and frameworks (test/agents) against the same production build, on PostgreSQL
      // when TEST_DATABASE_URL is set, else PGlite.
      { extends: true, test: { name: "agents", include: AGENT_TESTS, exclude: IGNORED, fileParallelism: false, testTimeout: 120_000 } },
      { extends: true, test: { name: "pglite", include: DB_TESTS, exclude: IGNORED, env: { TEST_DRIVER: "pglite" } } },
      ...(process.env.TEST_DATABASE_URL
        ? [{ extends: true as const, test: { name: "postgres", include: DB_TESTS, exclude: IGNORED, env: { TEST_DRIVER: "postgres" } } }]
        : []),
    ],
  },
});
