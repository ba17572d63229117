import { describe, expect, it } from "vitest";
import { callsToCsv } from "./csv-export";
import type { CallListItem } from "./list-calls";

const row = (fields: Partial<CallListItem>): CallListItem => ({
  id: "call_1",
  createdAt: new Date("2026-01-01T00:00:00Z"),
  status: "succeeded",
  integration: "dir",
  tool: "reset_password",
  agentId: "agt",
  agentName: "agent",
  clientId: null,
  clientName: null,
  requesterEmail: null,
  ticketSystem: null,
  ticketId: null,
  errorCode: null,
  latencyMs: null,
  argumentsDigest: "abc",
  decisionReason: "policy",
  decisionRule: null,
  ...fields,
});

describe("the CSV's call states", () => {
  it("uses the page's words, and says why a cancelled call stopped", () => {
    const [header, rejected, stopped, withdrawn] = callsToCsv([
      row({ status: "rejected", errorCode: "tool_disabled" }),
      row({ status: "cancelled", errorCode: "integration_paused" }),
      row({ status: "cancelled", errorCode: "cancelled" }),
    ]).split("\r\n");
    expect(header!.split(",").at(-1)).toBe("state");
    expect(rejected!.split(",").at(-1)).toBe("Rejected");
    expect(stopped!.split(",").at(-1)).toBe("Cancelled — integration paused");
    expect(withdrawn!.split(",").at(-1)).toBe("Cancelled — withdrawn by the agent");
  });
});
