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
});
