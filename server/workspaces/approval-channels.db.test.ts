import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents } from "@/db/schema";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace } from "@/test/fixtures";
import { sharedSmtpCapture } from "@/test/smtp-capture";
import { TRPCError, getTRPCErrorShape } from "@trpc/server";
import { appRouter, createCaller } from "../api/root";

const database = setupTestDatabase();

async function adminCaller() {
  const { db } = database();
  const workspace = await createWorkspace(db);
  const admin = await createUser(db, workspace.id, { role: "admin" });
  return { db, workspace, admin, caller: createCaller({ db, user: admin }) };
}

describe("approval channels on General settings", () => {
  it("says which channels are set up, with where to set them up, and sends a test e-mail to the admin once SMTP is saved", async () => {
    const { db, workspace, admin, caller } = await adminCaller();
    const before = await caller.settings.channels();
    expect(before.map((channel) => [channel.channel, channel.ready, channel.setupHref])).toEqual([
      ["slack", false, "/settings/integrations/new?kind=slack"],
      ["smtp", false, "/settings/general#smtp"],
      ["jira", false, "/settings/integrations/new?kind=jira"],
      ["connectwise", false, "/settings/integrations/new?kind=connectwise"],
    ]);
    await expect(caller.settings.sendTestEmail()).rejects.toThrow(/Save an SMTP host and sender address first/);

    const smtp = await sharedSmtpCapture();
    await caller.settings.update({
      smtp: { host: "127.0.0.1", port: smtp.port, secure: false, username: null, from: "Toolgate <approvals@msp.test>" },
    });
    const after = await caller.settings.channels();
    expect(after.find((channel) => channel.channel === "smtp")).toMatchObject({
      ready: true,
      detail: expect.stringContaining("approvals@msp.test"),
    });
    const sentBefore = smtp.messages.length;
    expect(await caller.settings.sendTestEmail()).toEqual({ to: admin.email });
    const sent = smtp.messages.slice(sentBefore);
    expect(sent.map((message) => message.to)).toEqual([[admin.email]]);
    expect(sent[0]!.raw).toContain("Toolgate test e-mail");
    const events = await db.select().from(auditEvents).where(eq(auditEvents.workspaceId, workspace.id));
    expect(events.map((event) => event.action)).toContain("workspace.smtp_tested");
  });

  it("names the SMTP field that is wrong instead of one raw message", async () => {
    const { caller } = await adminCaller();
    const error = await caller.settings
      .update({ smtp: { host: "", port: 2525, secure: false, username: null, from: "" } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TRPCError);
    // The shape the browser receives, built by the router's error formatter.
    const shape = getTRPCErrorShape({
      config: appRouter._def._config,
      error: error as TRPCError,
      type: "mutation",
      path: "settings.update",
      input: undefined,
      ctx: undefined,
    }) as { data: { fieldErrors: Record<string, string> | null } };
    expect(shape.data.fieldErrors).toEqual({
      "smtp.host": "Enter the SMTP host",
      "smtp.from": "Enter the sender address, such as Toolgate <approvals@msp.example>",
    });
    // Nothing was saved: e-mail stays as it was (off).
    expect((await caller.settings.get()).smtp).toBeNull();
  });

  it("is only for admins", async () => {
    const { db, workspace } = await adminCaller();
    const technician = createCaller({ db, user: await createUser(db, workspace.id, { role: "technician" }) });
    await expect(technician.settings.sendTestEmail()).rejects.toThrow(/Only admins/);
  });
});
