import { expect, test } from "@playwright/test";
import { E2E_STUBS } from "../servers.mjs";
import { signInViaApi, trpcMutation, unique } from "../fixtures/api";
import { mails, waitFor } from "../fixtures/outside-services";

const linkIn = (text: string) => text.match(/https?:\/\/[^\s"]+\/set-password\/[A-Za-z0-9_-]+/)?.[0];

test("an invitation is e-mailed when SMTP is set; “Forgot password” e-mails a one-time link and answers the same for an unknown address", async ({
  page,
  browser,
}) => {
  await signInViaApi(page.request);
  await trpcMutation(page.request, "settings.update", {
    smtp: { host: "127.0.0.1", port: E2E_STUBS.smtpPort, secure: false, username: null, from: "Toolgate <approvals@northwind-it.test>" },
  });
  const email = `forgetful-${unique()}@northwind-it.test`;
  const invited = await trpcMutation<{ setupLink: string; emailed: boolean }>(page.request, "users.invite", {
    email,
    name: "Fran Forgetful",
    role: "technician",
  });
  expect(invited.emailed).toBe(true);
  const invitation = await waitFor(async () => (await mails()).find((mail) => mail.to.includes(email) && mail.text.includes("invited")));
  expect(linkIn(invitation.text)).toBe(invited.setupLink);

  const visitor = await browser.newContext();
  const anonymous = await visitor.newPage();
  await anonymous.goto("/login");
  await anonymous.getByRole("link", { name: "Forgot password?" }).click();
  await expect(anonymous).toHaveURL(/\/forgot-password$/);
  await anonymous.getByLabel("E-mail").fill(`nobody-${unique()}@northwind-it.test`);
  await anonymous.getByRole("button", { name: "E-mail me a link" }).click();
  const answer = anonymous.getByText(/^If that address belongs to an account/);
  await expect(answer).toBeVisible();
  const unknownAnswer = await answer.textContent();

  await anonymous.getByLabel("E-mail").fill(email);
  await anonymous.getByRole("button", { name: "E-mail me a link" }).click();
  await expect(anonymous.getByText(/^If that address belongs to an account/)).toHaveText(unknownAnswer!);
  const reset = await waitFor(async () =>
    (await mails()).find((mail) => mail.to.includes(email) && mail.text.includes("reset your Toolgate password")),
  );
  const link = linkIn(reset.text)!;
  await anonymous.goto(new URL(link).pathname);
  await anonymous.getByLabel("New password").fill("a brand new password");
  await anonymous.getByLabel("Confirm password").fill("a brand new password");
  await anonymous.getByRole("button", { name: "Set password" }).click();
  await expect(anonymous.getByText("Your password is set")).toBeVisible();
  // The link was for one use only.
  await anonymous.goto(new URL(link).pathname);
  await expect(anonymous.getByLabel("New password")).toHaveCount(0);
  await visitor.close();
});
