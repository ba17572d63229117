import { type AnyPgColumn, index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { idColumn, timestamps } from "./columns";
import { workspaces } from "./workspaces";

/** A company the MSP serves. Integrations of a client hold that client's tools. */
export const clients = pgTable(
  "clients",
  {
    id: idColumn("client"),
    workspaceId: text()
      .notNull()
      .references(() => workspaces.id),
    slug: text().notNull(),
    name: text().notNull(),
    archivedAt: timestamp({ withTimezone: true }),
    ...timestamps(),
  },
  (t) => [uniqueIndex("clients_workspace_id_slug_idx").on(t.workspaceId, t.slug)],
);

/**
 * People at a client, with their manager. A requester's manager is always looked up here,
 * never taken from what an agent sends.
 */
export const directoryPeople = pgTable(
  "directory_people",
  {
    id: idColumn("person"),
    workspaceId: text()
      .notNull()
      .references(() => workspaces.id),
    clientId: text()
      .notNull()
      .references(() => clients.id),
    email: text().notNull(),
    name: text().notNull(),
    slackUserId: text(),
    managerId: text().references((): AnyPgColumn => directoryPeople.id, { onDelete: "set null" }),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex("directory_people_client_id_email_idx").on(t.clientId, t.email),
    index("directory_people_workspace_id_idx").on(t.workspaceId),
    index("directory_people_manager_id_idx").on(t.managerId),
  ],
);
