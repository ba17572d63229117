import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolPolicyChanges, tools } from "@/db/schema";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace } from "@/test/fixtures";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { createCaller } from "../api/root";
import { connectIntegration } from "../integrations/connect";
import { closeMcpClients } from "../integrations/connectors/mcp";
import type { PolicyRule } from "./rules";

const database = setupTestDatabase();
let upstream: McpUpstream;

beforeAll(async () => {
  upstream = await startMcpUpstream({
    tools: [
      tool("add_user_to_group", {
        inputSchema: {
          type: "object",
          properties: { email: { type: "string" }, group: { type: "string" }, days: { type: "integer" } },
          required: ["email", "group"],
          additionalProperties: false,
        },
      }),
      // An open schema: no rule may loosen its policy.
      tool("send_email", { inputSchema: { type: "object", properties: { to: { type: "string" } }, required: ["to"] } }),
    ],
  });
});
afterAll(async () => {
  await closeMcpClients();
  await upstream.close();
});

async function setup() {
  const { db } = database();
  const workspace = await createWorkspace(db);
  const admin = await createUser(db, workspace.id, { role: "admin", name: "Alice Admin" });
  const ctx = { db, user: admin };
  const { integrationId } = await connectIntegration(ctx, {
    clientId: null,
    name: "Dir",
    slug: "dir",
    settings: { kind: "mcp", url: upstream.url },
  });
  const caller = createCaller(ctx);
  const rows = await caller.policies.tools({ integrationId });
  const id = (name: string) => rows.find((row) => row.name === name)!.id;
  const revision = async () => (await caller.integrations.get({ integrationId })).revision;
  return { db, caller, integrationId, id, revision };
}

const auto = { policy: "auto" as const, managerApproval: false };
const approval = { policy: "approval_needed" as const, managerApproval: false };

describe("saving rules on arguments", () => {
  it("stores the rules with the policy in one save, records them in history, and lists them on the detail page", async () => {
    const { db, caller, integrationId, id, revision } = await setup();
    const rules: PolicyRule[] = [
      { argument: "group", operator: "one_of", value: ["Marketing"], then: auto },
      { argument: "days", operator: "at_least", value: 30, then: { policy: "disabled", managerApproval: false } },
    ];
    await caller.policies.save({
      integrationId,
      revision: await revision(),
      changes: [{ toolId: id("add_user_to_group"), ...approval, rules }],
    });
    const [stored] = await db
      .select()
      .from(tools)
      .where(eq(tools.id, id("add_user_to_group")));
    expect(stored!.rules).toEqual(rules);
    expect((await caller.policies.tools({ integrationId })).find((row) => row.name === "add_user_to_group")!.rules).toEqual(rules);

    // A change of rules alone is a change: history records from → to.
    await caller.policies.save({
      integrationId,
      revision: await revision(),
      changes: [{ toolId: id("add_user_to_group"), ...approval, rules: [rules[1]!] }],
    });
    const history = await db
      .select()
      .from(toolPolicyChanges)
      .where(eq(toolPolicyChanges.toolId, id("add_user_to_group")));
    expect(history.map((row) => [row.fromRules, row.toRules])).toEqual(
      expect.arrayContaining([
        [[], rules],
        [rules, [rules[1]]],
      ]),
    );
    // A change without rules keeps them.
    await caller.policies.save({
      integrationId,
      revision: await revision(),
      changes: [{ toolId: id("add_user_to_group"), ...approval, managerApproval: true }],
    });
    expect(
      (
        await db
          .select()
          .from(tools)
          .where(eq(tools.id, id("add_user_to_group")))
      )[0]!.rules,
    ).toEqual([rules[1]]);
  });

  it("refuses, with the reason in words and nothing saved, a rule naming an argument the schema lacks or a value of the wrong type", async () => {
    const { db, caller, integrationId, id, revision } = await setup();
    const save = async (rules: PolicyRule[]) =>
      caller.policies.save({
        integrationId,
        revision: await revision(),
        changes: [{ toolId: id("add_user_to_group"), ...approval, rules }],
      });
    await expect(
      save([{ argument: "grp", operator: "equals", value: "x", then: { policy: "disabled", managerApproval: false } }]),
    ).rejects.toThrow('add_user_to_group: Rule 1 (grp equals x): the tool\'s input schema has no argument "grp". Nothing was saved.');
    await expect(
      save([{ argument: "days", operator: "equals", value: "thirty", then: { policy: "disabled", managerApproval: false } }]),
    ).rejects.toThrow(/"thirty" is not a value of the argument's type \(integer\)/);
    const [stored] = await db
      .select()
      .from(tools)
      .where(eq(tools.id, id("add_user_to_group")));
    expect(stored!.rules).toEqual([]);
  });

  it("refuses a loosening rule that is not equals / one of on a required argument of a closed schema", async () => {
    const { caller, integrationId, id, revision } = await setup();
    const save = async (
      toolName: string,
      rules: PolicyRule[],
      own: { policy: "auto" | "approval_needed" | "disabled"; managerApproval: boolean },
    ) => caller.policies.save({ integrationId, revision: await revision(), changes: [{ toolId: id(toolName), ...own, rules }] });
    await expect(
      save("add_user_to_group", [{ argument: "group", operator: "not_one_of", value: ["Domain Admins"], then: auto }], approval),
    ).rejects.toThrow(/loosens the tool's own policy, which only "equals" or "is one of" may do/);
    await expect(save("add_user_to_group", [{ argument: "days", operator: "equals", value: 3, then: auto }], approval)).rejects.toThrow(
      /"days" is not a required argument/,
    );
    await expect(save("send_email", [{ argument: "to", operator: "equals", value: "a@b.test", then: auto }], approval)).rejects.toThrow(
      /additionalProperties is not false/,
    );
    // The same "not one of" tightening an auto tool is fine.
    await expect(
      save("add_user_to_group", [{ argument: "group", operator: "not_one_of", value: ["Marketing"], then: approval }], auto),
    ).resolves.toMatchObject({ applied: 1 });
    // Changing the policy can make a stored tightening rule loosen: refused too, saying so.
    await expect(
      caller.policies.save({
        integrationId,
        revision: await revision(),
        changes: [{ toolId: id("add_user_to_group"), policy: "disabled", managerApproval: false }],
      }),
    ).rejects.toThrow(/Rule 1 \(group is not one of \[Marketing\]\): it loosens/);
  });
});
