import { executeApprovedCall, expireCall } from "../approvals/execute-approved";
import { planApprovalDeliveries } from "../approvals/deliver/plan";
import { escalateApproval } from "../approvals/escalation/escalate";
import { deliverEmail, deliverSlack, deliverTicketNote, updateApprovalMessages } from "../approvals/deliver/send";
import { sendPasswordLinkMail } from "../users/password-link-mail";
import { deliverCallWebhook, deliverConfigWebhook } from "../webhooks/agent-webhooks";
import type { JobHandlers } from "./worker";

/** Every kind of outbox job (jobs/kinds.ts) and the function that performs it: the compiler finds a missing one. */
export const jobHandlers: JobHandlers = {
  agent_config_webhook: deliverConfigWebhook,
  agent_call_webhook: deliverCallWebhook,
  plan_approval_deliveries: planApprovalDeliveries,
  deliver_slack: deliverSlack,
  deliver_email: deliverEmail,
  deliver_jira: deliverTicketNote,
  deliver_connectwise: deliverTicketNote,
  update_approval_messages: updateApprovalMessages,
  send_password_link: sendPasswordLinkMail,
  execute_call: async (job, db) => {
    await executeApprovedCall(db, job.payload.callId);
  },
  // A call decided in time is left as it is (the update is conditional).
  expire_call: async (job, db) => {
    await expireCall(db, job.payload.callId);
  },
  // A request decided (or escalated) in time is left as it is (the update is conditional).
  escalate_approval: escalateApproval,
};

/** Jobs that wait on an approved tool or an agent's server: the worker runs them in a lane of their own. */
export const LONG_RUNNING_JOB_KINDS = ["execute_call", "agent_call_webhook", "agent_config_webhook"];
