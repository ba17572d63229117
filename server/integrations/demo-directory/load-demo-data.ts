import { and, eq, sql } from "drizzle-orm";
import { clients, directoryPeople } from "@/db/schema";
import type { UserContext } from "../../context";
import { createClient } from "../../clients/clients";
import { connectIntegration } from "../connect";
import { DEMO_DATASETS } from "./sample-data";

/**
 * Demo data for a new workspace: two clients, each with its own demo directory connected (separate
 * data, every tool seeded) and its Directory filled with the demo directory's people and managers,
 * so the whole flow works out of the box.
 */
export async function loadDemoData(ctx: UserContext): Promise<{ clients: string[] }> {
  const created: string[] = [];
  for (const dataset of DEMO_DATASETS) {
    const [existing] = await ctx.db
      .select({ id: clients.id })
      .from(clients)
      .where(and(eq(clients.workspaceId, ctx.user.workspaceId), eq(clients.slug, dataset.clientSlug)));
    const clientId = existing?.id ?? (await createClient(ctx, { name: dataset.clientName, slug: dataset.clientSlug })).id;
    await connectIntegration(ctx, {
      clientId,
      name: `${dataset.clientName} directory (demo)`,
      slug: `${dataset.clientSlug}-directory`,
      settings: { kind: "demo_directory", dataset: dataset.clientSlug },
    });
    await ctx.db.transaction(async (tx) => {
      await tx
        .insert(directoryPeople)
        .values(dataset.people.map((person) => ({ workspaceId: ctx.user.workspaceId, clientId, email: person.email, name: person.name })))
        .onConflictDoNothing();
      const links = dataset.people.map((person) => ({ email: person.email, manager_email: person.manager }));
      await tx.execute(sql`
        update directory_people p set manager_id = m.id
        from jsonb_to_recordset(${JSON.stringify(links)}::jsonb) as v(email text, manager_email text)
        left join directory_people m on m.client_id = ${clientId} and m.email = v.manager_email
        where p.client_id = ${clientId} and p.email = v.email`);
    });
    created.push(dataset.clientName);
  }
  return { clients: created };
}
