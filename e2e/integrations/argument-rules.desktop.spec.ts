import { expect, test, type APIRequestContext } from "@playwright/test";
import { FIRST_ADMIN } from "../fixtures/accounts";
import { connectDemoDirectory, signInViaApi, trpcMutation, trpcQuery, unique } from "../fixtures/api";
import { approveLinkIn, setSlackUsers, slackCalls, waitFor } from "../fixtures/outside-services";

/** Slack (so the technician gets a deep link by DM) and an agent that may use every integration. */
async function prepareAgent(request: APIRequestContext): Promise<string> {
  const integrations = await trpcQuery<Array<{ kind: string }>>(request, "integrations.list");
  if (!integrations.some((integration) => integration.kind === "slack"))
    await trpcMutation(request, "integrations.connect", {
      clientId: null,
      name: "MSP Slack",
      slug: `slack-${unique()}`,
      settings: { kind: "slack", botToken: "xoxb-e2e" },
    });
  await setSlackUsers([{ id: "UAVERY", email: FIRST_ADMIN.email }]);
  const agent = await trpcMutation<{ key: string }>(request, "agents.create", {
    name: `Rules agent ${unique()}`,
    scope: { allClients: true, clientIds: [], mspWide: true },
  });
  return agent.key;
}

test("an admin adds rules on group to add_user_to_group; Marketing runs, Domain Admins waits, and the approval page names the rule", async ({
  page,
  request,
}) => {
  await signInViaApi(page.request);
  await signInViaApi(request);
  const key = await prepareAgent(request);
  const { integrationId, slug } = await connectDemoDirectory(page.request);
  const call = async (group: string) => {
    const response = await request.post("/api/gateway", {
      headers: { authorization: `Bearer ${key}` },
      data: { integration: slug, tool: "add_user_to_group", arguments: { email: "tom.becker@contoso-dental.test", group } },
    });
    return { status: response.status(), body: (await response.json()) as { callId: string } };
  };
  // What the impact preview re-decides: a Marketing call that needed approval before any rule.
  expect((await call("Marketing")).status).toBe(202);

  await page.goto(`/settings/integrations/${integrationId}`);
  const row = page.getByTestId("tool-add_user_to_group");
  await expect(row.getByRole("combobox", { name: /^Policy for / })).toHaveValue("approval_needed");

  // Rule 1 loosens: group is one of [Marketing] → runs automatically.
  await row.getByRole("button", { name: "Add a rule on arguments" }).click();
  await row.getByLabel("When argument").selectOption("group");
  await row.getByLabel("Operator").selectOption({ label: "is one of" });
  await row.getByLabel("Values (one per line)").fill("Marketing");
  await row.getByLabel("Then", { exact: true }).selectOption({ label: "Runs automatically" });
  await row.getByRole("button", { name: "Add rule" }).click();
  // Before Save, the impact preview re-decides that call under the draft: it would have run at once.
  await expect(page.getByTestId("impact-preview").getByTestId("impact-auto")).toHaveText("1 would run automatically (actually 0)");
  // Rule 2 names the admins group, so the approval says why it is needed.
  await row.getByRole("button", { name: "Add a rule" }).click();
  await row.getByLabel("When argument").selectOption("group");
  await row.getByLabel("Operator").selectOption({ label: "is one of" });
  await row.getByLabel("Values (one per line)").fill("Domain Admins");
  await row.getByLabel("Then", { exact: true }).selectOption({ label: "Needs technician approval" });
  await row.getByRole("button", { name: "Add rule" }).click();
  await expect(row.getByTestId("tool-rules")).toContainText("1. When group is one of [Marketing] → auto");
  await expect(row.getByTestId("tool-rules")).toContainText("2. When group is one of [Domain Admins] → approval needed");
  await expect(row.getByTestId("rule-problems")).toHaveCount(0);

  // The explanation takes sample arguments and says which rule applies.
  await row.getByRole("button", { name: "What happens if the agent calls this?" }).click();
  await row.getByLabel("Sample arguments (JSON)").fill('{"email": "tom.becker@contoso-dental.test", "group": "Marketing"}');
  await expect(row.getByTestId("explain")).toContainText("With these arguments, rule 1, group is one of [Marketing] applies");

  await expect(page.getByTestId("unsaved-count")).toHaveText("1 unsaved change");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Saved 1 change")).toBeVisible();
  // Looked at by people (not asserted): the rules under the dropdown, on a desktop and on a phone.
  // The editor is keyed by the policy revision, so the refresh after Save remounts every row:
  // scrolling can meet the old row just as it leaves the DOM, and is retried until the new one is there.
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(async () => row.scrollIntoViewIfNeeded({ timeout: 2_000 })).toPass();
  await page.screenshot({ path: ".test-tmp/argument-rules-desktop.png" });
  await page.setViewportSize({ width: 375, height: 812 });
  await expect(async () => row.getByTestId("tool-rules").scrollIntoViewIfNeeded({ timeout: 2_000 })).toPass();
  await page.screenshot({ path: ".test-tmp/argument-rules-phone.png" });
  await page.setViewportSize({ width: 1280, height: 800 });

  expect((await call("Marketing")).status).toBe(200);
  const waiting = await call("Domain Admins");
  expect(waiting.status).toBe(202);

  const link = await waitFor(
    async () => {
      const dm = (await slackCalls()).filter(
        (sent) => sent.method === "chat.postMessage" && sent.params.blocks?.includes(waiting.body.callId),
      );
      return dm.length ? approveLinkIn(dm[0]!.params.blocks!) : undefined;
    },
    20_000,
    slackCalls,
  );
  await page.goto(new URL(link).pathname);
  await expect(page.getByText("approval needed: rule 2, group is one of [Domain Admins]")).toBeVisible();
  await page.setViewportSize({ width: 375, height: 812 });
  await page.screenshot({ path: ".test-tmp/argument-rules-approval-phone.png", fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  await page.goto(`/activity/${waiting.body.callId}`);
  await expect(page.getByTestId("deciding-rule")).toHaveText("approval needed: rule 2, group is one of [Domain Admins]");
  await page.screenshot({ path: ".test-tmp/argument-rules-call-desktop.png" });
});
