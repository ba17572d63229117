import { describe, expect, it } from "vitest";
import { integrations } from "@/db/schema";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace } from "@/test/fixtures";
import { addPerson } from "../directory/people";
import { createClient, listClients } from "./clients";

const database = setupTestDatabase();

describe("listClients", () => {
  it("counts each client's own connected integrations and directory people", async () => {
    const { db } = database();
    const workspace = await createWorkspace(db);
    const ctx = { db, user: await createUser(db, workspace.id) };
    const contoso = await createClient(ctx, { name: "Contoso" });
    const fabrikam = await createClient(ctx, { name: "Fabrikam" });
    await db.insert(integrations).values([
      { workspaceId: workspace.id, clientId: contoso.id, kind: "mcp", slug: "c-dir", name: "Contoso directory" },
      { workspaceId: workspace.id, clientId: contoso.id, kind: "mcp", slug: "c-m365", name: "Contoso M365" },
      { workspaceId: workspace.id, clientId: contoso.id, kind: "mcp", slug: "c-old", name: "Gone", status: "disconnected" },
      { workspaceId: workspace.id, clientId: fabrikam.id, kind: "mcp", slug: "f-dir", name: "Fabrikam directory" },
    ]);
    await addPerson(ctx, { clientId: contoso.id, email: "boss@contoso.test", name: "Boss" });
    await addPerson(ctx, { clientId: contoso.id, email: "ann@contoso.test", name: "Ann" });
    await addPerson(ctx, { clientId: contoso.id, email: "ben@contoso.test", name: "Ben" });

    const rows = await listClients(ctx);
    expect(rows.map((row) => [row.name, row.integrationCount, row.peopleCount])).toEqual([
      ["Contoso", 2, 3],
      ["Fabrikam", 1, 0],
    ]);
  });
});
