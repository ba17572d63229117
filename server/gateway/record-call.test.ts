import { describe, expect, it } from "vitest";
import { commitModeOf } from "./record-call";

describe("commitModeOf", () => {
  it("waits for the disk whenever a batch holds a new row (the record before upstream, a refusal)", () => {
    expect(commitModeOf({ inserts: 1, finishes: 0 })).toBe("sync");
    expect(commitModeOf({ inserts: 1, finishes: 5 })).toBe("sync");
  });
  it("commits a batch of completions only without waiting for the disk", () => {
    expect(commitModeOf({ inserts: 0, finishes: 1 })).toBe("async");
    expect(commitModeOf({ inserts: 0, finishes: 0 })).toBe("sync");
  });
});
