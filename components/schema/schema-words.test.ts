import { describe, expect, it } from "vitest";
import { describeConstraints, describeType } from "./schema-words";

describe("a tool's argument schema in words", () => {
  it("counts characters and items in the singular and the plural", () => {
    expect(describeConstraints({ type: "string", minLength: 1 })).toEqual(["not empty"]);
    expect(describeConstraints({ type: "string", minLength: 2, maxLength: 1 })).toEqual(["at least 2 characters", "at most 1 character"]);
    expect(describeConstraints({ type: "array", minItems: 1, maxItems: 5 })).toEqual(["at least 1 item", "at most 5 items"]);
    expect(describeConstraints({ type: "integer", minimum: 0, maximum: 10, default: 3 })).toEqual(["≥ 0", "≤ 10", "default 3"]);
    expect(describeConstraints({ enum: ["a", "b"] })).toEqual(['one of "a", "b"']);
  });

  it("names types, arrays and formats", () => {
    expect(describeType({ type: "array", items: { type: "string", format: "email" } })).toBe("array of string (email)");
    expect(describeType({ type: ["string", "null"] })).toBe("string | null");
    expect(describeType({})).toBe("any");
  });
});
