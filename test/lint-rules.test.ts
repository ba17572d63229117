import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

/** The conventions ESLint checks (eslint.config.mjs): a deliberate violation fails, the right way passes. */
describe("lint rules", () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const lint = async (code: string, filePath: string) => {
    const [result] = await eslint.lintText(code, { filePath });
    return result!.messages.map((message) => `${message.ruleId}: ${message.message}`);
  };

  it("app/ may not query the database itself (drizzle-orm, the schema's values); types of the schema are fine", async () => {
    const page = "app/(admin)/lint-probe/page.tsx";
    expect(await lint(`import { eq } from "drizzle-orm";\nexport const probe = eq;\n`, page)).toEqual([
      expect.stringMatching(/no-restricted-imports: .*Query the database in server\//),
    ]);
    expect(await lint(`import { workspaces } from "@/db/schema";\nexport const probe = workspaces;\n`, page)).toEqual([
      expect.stringMatching(/no-restricted-imports: .*Read the schema through server\//),
    ]);
    expect(await lint(`import type { ToolPolicy } from "@/db/schema";\nexport const probe: ToolPolicy = "auto";\n`, page)).toEqual([]);
    // server/ may.
    expect(await lint(`import { eq } from "drizzle-orm";\nexport const probe = eq;\n`, "server/lint-probe.ts")).toEqual([]);
  });

  it('"use client" code imports no server runtime code: no server/ or db/ values, no Node modules, no drivers; types are fine', async () => {
    const component = "app/(admin)/lint-probe/probe.tsx";
    const client = (line: string) => `"use client";\n${line}\nexport const probe = 1;\n`;
    for (const [line, what] of [
      [`import { listApprovalInbox } from "@/server/approvals/inbox";`, "server code"],
      [`import { openPglite } from "@/db/open-pglite";`, "the database layer"],
      [`import { readFileSync } from "node:fs";`, "a Node.js module"],
      [`import { eq } from "drizzle-orm";`, "a server-only package"],
      [`import { getEnv } from "../../../server/env";`, "server code"],
      [`export { sha256Hex } from "@/server/crypto/tokens";`, "server code"],
    ] as const)
      expect(await lint(client(line), component), line).toContainEqual(
        expect.stringMatching(new RegExp(`toolgate/client-imports: .*may not import ${what}`)),
      );
    // Types, pure modules listed as browser-safe, and a server component's imports are fine.
    const clientImportErrors = async (code: string, filePath: string) =>
      (await lint(code, filePath)).filter((message) => message.startsWith("toolgate/client-imports"));
    expect(await clientImportErrors(client(`import type { InboxItem } from "@/server/approvals/inbox";`), component)).toEqual([]);
    expect(await clientImportErrors(client(`import { type InboxItem } from "@/server/approvals/inbox";`), component)).toEqual([]);
    expect(await clientImportErrors(client(`import { callStateLabel } from "@/server/calls/labels";`), component)).toEqual([]);
    expect(
      await lint(`import { getDb } from "@/server/database";\nexport const probe = getDb;\n`, "app/(admin)/lint-probe/page.tsx"),
    ).toEqual([]);
    // A browser-safe module is held to the same rule, so nothing server-only reaches the browser through it.
    expect(await lint(`import { sql } from "drizzle-orm";\nexport const probe = sql;\n`, "server/calls/labels.ts")).toContainEqual(
      expect.stringMatching(/toolgate\/client-imports: .*a server-only package/),
    );
  });

  it("db/ imports nothing from server/ (not even types): the app depends on the database layer, not the other way round", async () => {
    for (const line of [`import { getEnv } from "@/server/env";`, `import type { PolicyRule } from "../../server/policy/rules";`])
      expect(await lint(`${line}\nexport const probe = 1;\n`, "db/schema/lint-probe.ts")).toContainEqual(
        expect.stringMatching(/no-restricted-imports: .*db\/ may not import server\//),
      );
    expect(
      await lint(`import type { ToolPolicy } from "./policies";\nexport const probe: ToolPolicy = "auto";\n`, "db/schema/lint-probe.ts"),
    ).toEqual([]);
  });

  it("an import used only as a type says so (import type)", async () => {
    const code = `import { SessionUser } from "@/server/auth/session-user";\nexport const probe: SessionUser | null = null;\n`;
    expect(await lint(code, "server/lint-probe.ts")).toEqual([expect.stringMatching(/@typescript-eslint\/consistent-type-imports: /)]);
    expect(await lint(code.replace("import {", "import type {"), "server/lint-probe.ts")).toEqual([]);
  });

  it("the environment is read through getEnv(); tests, scripts and the env module itself may read process.env", async () => {
    const code = `export const probe = process.env.TOOLGATE_SOMETHING;\n`;
    expect(await lint(code, "server/lint-probe.ts")).toEqual([
      expect.stringMatching(/no-restricted-properties: .*Read the environment through getEnv\(\)/),
    ]);
    expect(await lint(code, "app/api/lint-probe/route.ts")).toHaveLength(1);
    expect(await lint(code, "server/lint-probe.test.ts")).toEqual([]);
    expect(await lint(code, "scripts/lint-probe.ts")).toEqual([]);
    expect(await lint(code, "server/env.ts")).toEqual([]);
  });
});
