import { describe, expect, it } from "vitest";
import { CALL_STATUSES } from "@/db/schema";
import { CALL_STATUS_LABELS, callStateLabel } from "./labels";

describe("the one vocabulary of call states", () => {
  it("says why a cancelled call stopped, and keeps 'withdrawn' for the agent's own cancel", () => {
    expect(callStateLabel({ status: "cancelled", errorCode: "tool_disabled" })).toBe("Cancelled — tool disabled");
    expect(callStateLabel({ status: "cancelled", errorCode: "integration_paused" })).toBe("Cancelled — integration paused");
    expect(callStateLabel({ status: "cancelled", errorCode: "cancelled" })).toBe("Cancelled — withdrawn by the agent");
    expect(callStateLabel({ status: "denied", errorCode: "denied" })).toBe("Denied");
  });
  it("labels every state with the API's own word, so the page, the CSV and the API agree", () => {
    for (const status of CALL_STATUSES) expect(CALL_STATUS_LABELS[status].toLowerCase().replace(/ /g, "_")).toBe(status);
  });
});
