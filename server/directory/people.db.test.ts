import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { directoryPeople } from "@/db/schema";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace } from "@/test/fixtures";
import { createClient } from "../clients/clients";
import { addPerson, importDirectoryCsv, listPeople, updatePerson } from "./people";

const database = setupTestDatabase();

async function clientContext() {
  const { db } = database();
  const workspace = await createWorkspace(db);
  const ctx = { db, user: await createUser(db, workspace.id) };
  const client = await createClient(ctx, { name: "Contoso" });
  return { db, ctx, client };
}

const BAD_FILE = [
  "email,name,manager_email",
  "boss@x.test,Boss,",
  "a@x.test,Ann,boss@x.test",
  "c1@x.test,Cy,c2@x.test",
  "c2@x.test,Cee,c1@x.test",
  "b@x.test,Ben,nobody@x.test",
  "a@x.test,Dup,boss@x.test",
].join("\n");

describe("directory CSV import", () => {
  it("reports a cycle, an unknown manager and a duplicate by line number and imports nothing", async () => {
    const { db, ctx, client } = await clientContext();
    const report = await importDirectoryCsv(ctx, { clientId: client.id, csv: BAD_FILE, importValidRows: false });
    expect(report.applied).toBe(false);
    expect(report.errors.map((error) => [error.line, error.message.split(":")[0]])).toEqual([
      [4, "manager cycle"],
      [5, "manager cycle"],
      [6, "unknown manager nobody@x.test"],
      [7, "duplicate e-mail"],
    ]);
    expect(await db.select().from(directoryPeople).where(eq(directoryPeople.clientId, client.id))).toHaveLength(0);
  });

  it("imports the good rows with their managers when the admin chooses to", async () => {
    const { ctx, client } = await clientContext();
    const report = await importDirectoryCsv(ctx, { clientId: client.id, csv: BAD_FILE, importValidRows: true });
    expect(report).toMatchObject({ applied: true, created: 2, updated: 0 });
    const people = await listPeople(ctx, { clientId: client.id });
    expect(people.map((person) => [person.email, person.managerEmail])).toEqual([
      ["a@x.test", "boss@x.test"],
      ["boss@x.test", null],
    ]);
    // A second file updates known people and may point at them as managers.
    const again = await importDirectoryCsv(ctx, {
      clientId: client.id,
      csv: "a@x.test,Ann Smith,boss@x.test,U123\nnew@x.test,New Hire,a@x.test",
      importValidRows: false,
    });
    expect(again).toMatchObject({ applied: true, created: 1, updated: 1, errors: [] });
    const after = await listPeople(ctx, { clientId: client.id });
    expect(after.find((person) => person.email === "a@x.test")).toMatchObject({ name: "Ann Smith", slackUserId: "U123", reports: 1 });
  });

  it("refuses a manager from another client and a manager change that would make a cycle", async () => {
    const { ctx, client } = await clientContext();
    const other = await createClient(ctx, { name: "Fabrikam" });
    const stranger = await addPerson(ctx, { clientId: other.id, email: "s@fab.test", name: "Stranger" });
    await expect(addPerson(ctx, { clientId: client.id, email: "x@c.test", name: "X", managerId: stranger.id })).rejects.toThrow(
      /same client/,
    );
    const boss = await addPerson(ctx, { clientId: client.id, email: "boss@c.test", name: "Boss" });
    const report = await addPerson(ctx, { clientId: client.id, email: "r@c.test", name: "Report", managerId: boss.id });
    await expect(updatePerson(ctx, { personId: boss.id, managerId: report.id })).rejects.toThrow(/cycle/);
    await expect(addPerson(ctx, { clientId: client.id, email: "boss@c.test", name: "Again" })).rejects.toThrow(
      /already in this client's directory/,
    );
  });

  it("never reads or writes another workspace's directory", async () => {
    const { ctx, client } = await clientContext();
    const { db } = database();
    const outsider = { db, user: await createUser(db, (await createWorkspace(db)).id) };
    await expect(listPeople(outsider, { clientId: client.id })).rejects.toThrow(/No such client/);
    await expect(importDirectoryCsv(outsider, { clientId: client.id, csv: "a@x.test,A,", importValidRows: false })).rejects.toThrow(
      /No such client/,
    );
    const person = await addPerson(ctx, { clientId: client.id, email: "p@c.test", name: "P" });
    await expect(updatePerson(outsider, { personId: person.id, name: "Hijacked" })).rejects.toThrow(/No such person/);
  });
});
