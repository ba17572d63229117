import { eq } from "drizzle-orm";
import type { Database } from "@/db";
import { directoryPeople } from "@/db/schema";
import { slackClient } from "../integrations/connectors/slack";
import { approvalSlackApp, workspaceSmtp } from "./deliver/channels";

export type ManagerChannel = "email" | "slack";

/**
 * The channels that can carry a manager's request: e-mail when SMTP is configured, Slack when the
 * workspace's Slack app is connected and the manager is a member (looked up by e-mail once and
 * remembered). Slack not answering counts as reachable: the delivery retries. Called before the call's
 * transaction (it may ask Slack); an empty list means nobody would ever hear of the request.
 */
export async function managerChannels(
  db: Database,
  input: { workspaceId: string; manager: { id: string; email: string } },
): Promise<ManagerChannel[]> {
  const channels: ManagerChannel[] = [];
  if (await workspaceSmtp(db, input.workspaceId)) channels.push("email");
  const slack = await approvalSlackApp(db, input.workspaceId);
  if (slack && (await onSlack(db, slack.botToken, input.manager))) channels.push("slack");
  return channels;
}

async function onSlack(db: Database, botToken: string, manager: { id: string; email: string }): Promise<boolean> {
  const [person] = await db
    .select({ slackUserId: directoryPeople.slackUserId })
    .from(directoryPeople)
    .where(eq(directoryPeople.id, manager.id));
  if (person?.slackUserId) return true;
  try {
    const found = await slackClient(botToken, { retries: 0, timeoutMs: 5_000 }).users.lookupByEmail({ email: manager.email });
    const id = found.user?.id;
    if (!id) return false;
    await db.update(directoryPeople).set({ slackUserId: id }).where(eq(directoryPeople.id, manager.id));
    return true;
  } catch (error) {
    // Slack answered with an error (no such user, a revoked token): not reachable there. No answer
    // (a timeout, a rate limit): assume it is, the delivery job retries.
    const slackError = (error as { data?: { error?: string } }).data?.error;
    return !slackError || slackError === "ratelimited";
  }
}
