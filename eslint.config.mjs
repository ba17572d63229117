import { builtinModules } from "node:module";
import { dirname, relative, resolve } from "node:path";
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/**
 * Modules under server/ that the browser may bundle: pure (no database, no Node APIs, no secrets),
 * importing only each other and types. The rule below holds them to that too. To share more with
 * a client component, make the module pure and list it here.
 */
const BROWSER_SAFE_SERVER_MODULES = [
  "server/approvals/channel-words.ts",
  "server/approvals/requester-source.ts",
  "server/calls/labels.ts",
  "server/crypto/canonical.ts",
  "server/errors.ts",
  "server/gateway/requester-argument.ts",
  "server/overview/outcomes.ts",
  "server/policy/decide.ts",
  "server/policy/explain.ts",
  "server/policy/fingerprint.ts",
  "server/policy/grant-match.ts",
  "server/policy/rules.ts",
];
/** Packages that only run on the server (drivers, the ORM). */
const SERVER_PACKAGES = ["drizzle-orm", "postgres", "@electric-sql/pglite", "nodemailer", "next-auth"];
const NODE_BUILTINS = new Set(builtinModules);

/** Where an import points inside the repository ("server/x.ts"), or null for a package. */
function repositoryPath(source, filename, cwd) {
  let target;
  if (source.startsWith("@/")) target = source.slice(2);
  else if (source.startsWith(".")) target = relative(cwd, resolve(dirname(filename), source));
  else return null;
  return target.replace(/\\/g, "/");
}

/** Why a value import cannot reach the browser, or null when it can. */
function serverOnlyReason(source, filename, cwd) {
  if (source.startsWith("node:") || NODE_BUILTINS.has(source)) return "a Node.js module";
  if (SERVER_PACKAGES.some((name) => source === name || source.startsWith(`${name}/`))) return "a server-only package";
  const path = repositoryPath(source, filename, cwd);
  if (path === null) return null;
  if (path === "db" || path.startsWith("db/")) return "the database layer";
  if (path === "server" || path.startsWith("server/")) {
    const file = /\.[cm]?[jt]sx?$/.test(path) ? path : `${path}.ts`;
    return BROWSER_SAFE_SERVER_MODULES.includes(file) ? null : "server code";
  }
  return null;
}

/** `"use client"` code (and the browser-safe server modules) imports no server runtime code. */
const clientImportsRule = {
  meta: {
    type: "problem",
    schema: [],
    messages: {
      serverImport:
        '"use client" code is bundled for the browser, so it may not import {{what}} ("{{source}}"): import types only, ' +
        "pass the data from a server component, or make the helper pure and list it in BROWSER_SAFE_SERVER_MODULES (eslint.config.mjs).",
    },
  },
  create(context) {
    const cwd = context.cwd;
    const filename = context.filename;
    const self = relative(cwd, filename).replace(/\\/g, "/");
    let checked = BROWSER_SAFE_SERVER_MODULES.includes(self);
    const check = (node, typeOnly) => {
      if (!checked || typeOnly || !node.source) return;
      const source = String(node.source.value);
      const what = serverOnlyReason(source, filename, cwd);
      if (what) context.report({ node, messageId: "serverImport", data: { what, source } });
    };
    return {
      Program(program) {
        for (const statement of program.body) {
          if (statement.type !== "ExpressionStatement" || typeof statement.directive !== "string") break;
          if (statement.directive === "use client") checked = true;
        }
      },
      ImportDeclaration(node) {
        const typeOnly =
          node.importKind === "type" ||
          (node.specifiers.length > 0 && node.specifiers.every((specifier) => specifier.importKind === "type"));
        check(node, typeOnly);
      },
      ExportNamedDeclaration(node) {
        check(node, node.exportKind === "type");
      },
      ExportAllDeclaration(node) {
        check(node, node.exportKind === "type");
      },
    };
  },
};

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([
    ".next/**",
    ".data/**",
    ".test-tmp/**",
    "node_modules/**",
    "db/migrations/**",
    "next-env.d.ts",
    "test-results/**",
    "playwright-report/**",
  ]),
  {
    // Pages and route handlers reach the database only through server/ (types of the schema are fine).
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/**/*.test.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "drizzle-orm", message: "Query the database in server/, not in app/.", allowTypeImports: true },
            {
              name: "@/db/schema",
              message: "Read the schema through server/, not in app/ (type imports are fine).",
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // db/ is the schema, the drivers and the migrations: it depends on nothing of the app's.
    files: ["db/**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/server", "@/server/*", "**/server", "**/server/*"],
              message: "db/ may not import server/: the app's settings and logic depend on the database layer, not the other way round.",
            },
          ],
        },
      ],
    },
  },
  {
    plugins: { toolgate: { rules: { "client-imports": clientImportsRule } } },
    rules: { "toolgate/client-imports": "error" },
  },
  {
    files: ["**/*.{ts,tsx,mts,cts}"],
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { prefer: "type-imports", fixStyle: "inline-type-imports" }],
    },
  },
  {
    // The environment is read and validated once, by getEnv() (server/env.ts): a value read around
    // it is neither validated nor documented there.
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read the environment through getEnv() (server/env.ts), which validates it." },
      ],
    },
  },
  {
    files: [
      // The env module itself.
      "server/env.ts",
      // Tests, their helpers, scripts, the benchmark and tool configuration set up processes and
      // their environments; they are not the app.
      "**/*.test.ts",
      "test/**",
      "e2e/**",
      "scripts/**",
      "bench/**",
      "*.config.{ts,mjs,js}",
      // Next.js's own variables (NEXT_RUNTIME, NODE_ENV) and OpenTelemetry's (OTEL_*, read by its SDK
      // from process.env), read before the app's environment is: instrumentation.ts runs in every
      // runtime, start-tracing takes the environment as a parameter for its tests.
      "instrumentation.ts",
      "server/telemetry/start-tracing.ts",
      // Runs on every request in the proxy bundle: getEnv() would validate the whole environment and
      // create the data directory's secrets there. It reads two public settings.
      "proxy.ts",
    ],
    rules: { "no-restricted-properties": "off" },
  },
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
]);
