import type { RequesterSource } from "@/db/schema";
import { requesterSourceLabel } from "../requester-source";

/** What every approval message says about a call, whatever the channel. */
export type RequestSummary = {
  mspName: string;
  callId: string;
  approvalRequestId: string;
  kind: "technician" | "manager";
  toolTitle: string;
  toolName: string;
  integrationName: string;
  clientName: string | null;
  agentName: string;
  arguments: Record<string, unknown>;
  requesterName: string | null;
  requesterEmail: string | null;
  requesterSource: RequesterSource | null;
  reason: string | null;
  ticket: { system: string; id: string } | null;
  expiresAt: Date;
};

/** Arguments as readable lines: `name: value`, nested values as compact JSON, long ones cut. */
export function argumentLines(args: Record<string, unknown>, maxValue = 300): string[] {
  const entries = Object.entries(args);
  if (entries.length === 0) return ["(no arguments)"];
  return entries.map(([key, value]) => {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return `${key}: ${text.length > maxValue ? `${text.slice(0, maxValue)}…` : text}`;
  });
}

export function requesterLine(summary: RequestSummary): string {
  if (!summary.requesterEmail) return "No requester named";
  const who = summary.requesterName ? `${summary.requesterName} <${summary.requesterEmail}>` : summary.requesterEmail;
  return `${who} (${requesterSourceLabel(summary.requesterSource)})`;
}

export function headline(summary: RequestSummary): string {
  return `${summary.agentName} wants to run “${summary.toolTitle}” on ${summary.integrationName}${summary.clientName ? ` for ${summary.clientName}` : ""}`;
}
