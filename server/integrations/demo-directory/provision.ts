import type { Executor } from "@/db";
import { demoDirectories, demoGroupMembers, demoGroups, demoUsers } from "@/db/schema";
import { newSecretToken, sha256Hex } from "../../crypto/tokens";
import type { DemoDataset } from "./sample-data";

/**
 * Creates a demo directory holding the dataset's people and groups. Returns its id and its bearer
 * secret (shown to nobody: it goes straight into the integration's encrypted credentials).
 */
export async function provisionDemoDirectory(
  db: Executor,
  workspaceId: string,
  dataset: DemoDataset,
): Promise<{ directoryId: string; secret: string }> {
  const secret = newSecretToken(32, "demo_");
  const [directory] = await db
    .insert(demoDirectories)
    .values({ workspaceId, name: `${dataset.clientName} directory`, secretHash: sha256Hex(secret) })
    .returning({ id: demoDirectories.id });
  const directoryId = directory!.id;
  await db.insert(demoUsers).values(
    dataset.people.map((person) => ({
      directoryId,
      email: person.email,
      name: person.name,
      department: person.department,
      title: person.title,
      managerEmail: person.manager,
      licenses: person.licenses,
    })),
  );
  await db.insert(demoGroups).values(dataset.groups.map((group) => ({ directoryId, name: group.name, description: group.description })));
  await db
    .insert(demoGroupMembers)
    .values(dataset.groups.flatMap((group) => group.members.map((userEmail) => ({ directoryId, groupName: group.name, userEmail }))));
  return { directoryId, secret };
}
