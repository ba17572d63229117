import { expect, test, type APIRequestContext } from "@playwright/test";
import { E2E_STUBS } from "../servers.mjs";
import { FIRST_ADMIN } from "../fixtures/accounts";
import { signInViaApi, trpcMutation, trpcQuery, unique } from "../fixtures/api";
import { approveLinkIn, mails, setSlackUsers, slackCalls, waitFor } from "../fixtures/outside-services";

type Integration = { id: string; slug: string; kind: string };

/** Slack, SMTP and an agent for this test; Manager Approval on the demo directory's add_user_to_group. */
async function prepare(request: APIRequestContext) {
  await signInViaApi(request);
  const integrations = await trpcQuery<Integration[]>(request, "integrations.list");
  if (!integrations.some((integration) => integration.kind === "slack")) {
    await trpcMutation(request, "integrations.connect", {
      clientId: null,
      name: "MSP Slack",
      slug: `slack-${unique()}`,
      settings: { kind: "slack", botToken: "xoxb-e2e" },
    });
  }
  await trpcMutation(request, "settings.update", {
    smtp: { host: "127.0.0.1", port: E2E_STUBS.smtpPort, secure: false, username: null, from: "Toolgate <approvals@northwind-it.test>" },
  });
  await setSlackUsers([{ id: "UAVERY", email: FIRST_ADMIN.email }]);
  const demo = integrations.find((integration) => integration.slug === "contoso-dental-directory")!;
  const tools = await trpcQuery<Array<{ id: string; name: string }>>(request, "policies.tools", { integrationId: demo.id });
  const detail = await trpcQuery<{ revision: number }>(request, "integrations.get", { integrationId: demo.id });
  await trpcMutation(request, "policies.save", {
    integrationId: demo.id,
    revision: detail.revision,
    changes: [
      { toolId: tools.find((tool) => tool.name === "add_user_to_group")!.id, policy: "approval_needed", managerApproval: true },
      { toolId: tools.find((tool) => tool.name === "fetch_audit_log")!.id, policy: "auto", managerApproval: false },
    ],
  }).catch(() => undefined);
  const agent = await trpcMutation<{ key: string }>(request, "agents.create", {
    name: `E2E agent ${unique()}`,
    scope: { allClients: true, clientIds: [], mspWide: true },
  });
  return { key: agent.key };
}

async function callAsAgent(request: APIRequestContext, key: string, body: unknown) {
  const response = await request.post("/api/gateway", { headers: { authorization: `Bearer ${key}` }, data: body });
  return {
    status: response.status(),
    body: (await response.json()) as {
      callId: string;
      status: string;
      approvals: Array<{ kind: string }>;
      result?: unknown;
      denial?: { comment: string };
    },
  };
}

test("a Manager Approval call reaches the technician by Slack and the manager by e-mail; both approve on the phone and it runs once", async ({
  page,
  request,
}) => {
  const { key } = await prepare(request);
  const group = "Billing";
  const pending = await callAsAgent(request, key, {
    integration: "contoso-dental-directory",
    tool: "add_user_to_group",
    arguments: { email: "tom.becker@contoso-dental.test", group },
    requester: { email: "tom.becker@contoso-dental.test" },
    reason: "Tom is covering billing this week",
  });
  expect(pending.status).toBe(202);
  expect(pending.body.approvals.map((approval) => approval.kind)).toEqual(["technician", "manager"]);
  const waiting = request.get(`/api/gateway/calls/${pending.body.callId}?wait=60`, { headers: { authorization: `Bearer ${key}` } });

  const technicianLink = await waitFor(
    async () => {
      const dm = (await slackCalls()).filter(
        (call) =>
          call.method === "chat.postMessage" && call.params.channel === "DUAVERY" && call.params.blocks?.includes(pending.body.callId),
      );
      return dm.length ? approveLinkIn(dm[0]!.params.blocks!) : undefined;
    },
    20_000,
    slackCalls,
  );
  const managerLink = await waitFor(async () => {
    const mail = (await mails()).find(
      (message) => message.to.includes("marcus.lee@contoso-dental.test") && message.text.includes(pending.body.callId),
    );
    return mail ? approveLinkIn(mail.text) : undefined;
  });

  await page.goto(new URL(technicianLink).pathname);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("asks to run “Add user to group” for Tom Becker");
  await expect(page.getByText("named by the agent")).toBeVisible();
  const noHorizontalScroll = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  expect(noHorizontalScroll).toBe(true);
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Approved by Avery Admin");

  await page.goto(new URL(managerLink).pathname);
  await expect(page.getByText("Hello Marcus Lee")).toBeVisible();
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Approved by Marcus Lee");

  expect(((await (await waiting).json()) as { status: string }).status).not.toBe("pending_approval");
  await expect
    .poll(
      async () =>
        (
          (await (
            await request.get(`/api/gateway/calls/${pending.body.callId}?wait=5`, { headers: { authorization: `Bearer ${key}` } })
          ).json()) as { status: string }
        ).status,
      { timeout: 20_000 },
    )
    .toBe("succeeded");

  const log = await callAsAgent(request, key, {
    integration: "contoso-dental-directory",
    tool: "fetch_audit_log",
    arguments: { limit: 200 },
  });
  const events = (log.body.result as { structuredContent: { events: Array<{ action: string; group?: string; user?: string }> } })
    .structuredContent.events;
  expect(
    events.filter(
      (event) => event.action === "group.member_added" && event.group === group && event.user === "tom.becker@contoso-dental.test",
    ),
  ).toHaveLength(1);
});

test("denying on the phone returns denied with the comment to the agent", async ({ page, request }) => {
  const { key } = await prepare(request);
  const pending = await callAsAgent(request, key, {
    integration: "contoso-dental-directory",
    tool: "add_user_to_group",
    arguments: { email: "ana.gomez@contoso-dental.test", group: "VPN Users" },
    requester: { email: "ana.gomez@contoso-dental.test" },
  });
  expect(pending.status).toBe(202);
  const managerLink = await waitFor(async () => {
    const mail = (await mails()).find(
      (message) => message.to.includes("marcus.lee@contoso-dental.test") && message.text.includes(pending.body.callId),
    );
    return mail ? approveLinkIn(mail.text) : undefined;
  });
  await page.goto(new URL(managerLink).pathname);
  await page.getByLabel("Comment (optional)").fill("Ana does not need VPN access");
  // Deny asks first: one tap opens the confirmation, the second decides.
  await page.getByText("Deny…").click();
  await page.getByRole("button", { name: "Yes, deny it" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Denied by Marcus Lee");
  const final = await request.get(`/api/gateway/calls/${pending.body.callId}`, { headers: { authorization: `Bearer ${key}` } });
  expect(await final.json()).toMatchObject({ status: "denied", denial: { kind: "manager", comment: "Ana does not need VPN access" } });
});
