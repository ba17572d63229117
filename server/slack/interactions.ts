import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Database } from "@/db";
import { approvalRequests, directoryPeople, integrations, users } from "@/db/schema";
import { decideApproval } from "../approvals/decide";
import { isServiceError } from "../errors";
import { QUICK_GRANT_HOURS } from "../grants/grantable";
import { openIntegrationSecrets } from "../integrations/credentials";
import { verifySlackSignature } from "./verify-signature";

type SlackResponse = { status: number; body: Record<string, unknown> | string };
const ephemeral = (text: string): SlackResponse => ({ status: 200, body: { response_type: "ephemeral", replace_original: false, text } });

/**
 * POST /api/slack/interactions: Approve / Deny buttons in Slack DMs. The signature is checked
 * against every connected Slack app's signing secret before anything is read; the Slack user is
 * mapped to a technician (by their stored Slack id) or to the request's manager (in the client's
 * directory). Decisions are quick database updates; execution happens in the outbox, so Slack gets
 * its acknowledgement well within its 3 seconds.
 */
export async function handleSlackInteraction(db: Database, request: Request): Promise<SlackResponse> {
  const rawBody = await request.text();
  const timestamp = request.headers.get("x-slack-request-timestamp");
  const signature = request.headers.get("x-slack-signature");
  const apps = await db
    .select({ id: integrations.id, workspaceId: integrations.workspaceId, secretCiphertext: integrations.secretCiphertext })
    .from(integrations)
    .where(and(eq(integrations.kind, "slack"), eq(integrations.status, "active"), isNull(integrations.clientId)));
  // Several workspaces may have connected Slack apps: any whose secret verifies the request counts.
  const verified = apps.filter((candidate) => {
    const secret = openIntegrationSecrets(candidate).signingSecret;
    return secret ? verifySlackSignature({ signingSecret: secret, timestamp, signature, rawBody }) : false;
  });
  if (verified.length === 0) return { status: 401, body: "invalid signature" };

  let payload: { type?: string; user?: { id?: string }; actions?: Array<{ action_id?: string; value?: string }> };
  try {
    payload = JSON.parse(new URLSearchParams(rawBody).get("payload") ?? "");
  } catch {
    return { status: 400, body: "payload is not JSON" };
  }
  const action = payload.actions?.[0];
  if (
    payload.type !== "block_actions" ||
    !action?.action_id ||
    !["toolgate_approve", "toolgate_approve_1h", "toolgate_deny"].includes(action.action_id)
  )
    return { status: 200, body: "" };
  const slackUserId = payload.user?.id ?? "";
  const [approval] = await db
    .select()
    .from(approvalRequests)
    .where(
      and(
        eq(approvalRequests.id, action.value ?? ""),
        inArray(
          approvalRequests.workspaceId,
          verified.map((candidate) => candidate.workspaceId),
        ),
      ),
    );
  if (!approval) return ephemeral("This request no longer exists in Toolgate.");
  const app = { workspaceId: approval.workspaceId };

  let actor;
  if (approval.kind === "technician") {
    const [user] = await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.workspaceId, app.workspaceId), eq(users.slackUserId, slackUserId), eq(users.active, true)));
    if (user) actor = { kind: "user" as const, userId: user.id, via: "slack" as const };
  } else if (approval.approverPersonId) {
    const [person] = await db
      .select({ id: directoryPeople.id })
      .from(directoryPeople)
      .where(and(eq(directoryPeople.id, approval.approverPersonId), eq(directoryPeople.slackUserId, slackUserId)));
    if (person) actor = { kind: "person" as const, personId: person.id, via: "slack" as const };
  }
  if (!actor)
    return ephemeral(
      "Toolgate does not know you as an approver of this request, so nothing was decided. Ask an admin to link your Slack account.",
    );

  try {
    const outcome = await decideApproval(db, {
      workspaceId: app.workspaceId,
      approvalRequestId: approval.id,
      decision: action.action_id === "toolgate_deny" ? "deny" : "approve",
      // "Approve for 1 h": the approval also offers a one-hour standing grant (server/grants).
      grant: action.action_id === "toolgate_approve_1h" ? { hours: QUICK_GRANT_HOURS } : null,
      actor,
    });
    if (outcome.outcome === "already_decided")
      return ephemeral(
        outcome.reason
          ? `Nothing was decided: ${outcome.reason}`
          : `Already decided: ${outcome.status}${outcome.decidedBy ? ` by ${outcome.decidedBy}` : ""}. Nothing changed.`,
      );
    if (outcome.votes && outcome.votes.given < outcome.votes.required)
      return ephemeral(
        `Your approval is recorded: ${outcome.votes.given} of ${outcome.votes.required} technicians approved. The call waits for another technician.`,
      );
    if (outcome.status === "approved" && outcome.grant)
      return ephemeral(
        `Approved. The same call may now run again without asking until ${outcome.grant.expiresAt.toISOString().slice(11, 16)} UTC (revocable under Grants).`,
      );
    return ephemeral(
      outcome.status === "approved" ? "Approved. The call runs once every approval is in." : "Denied. The agent has been told.",
    );
  } catch (error) {
    if (isServiceError(error)) return ephemeral(error.message);
    throw error;
  }
}
