import { describe, expect, it } from "vitest";
import { mcpToolNames } from "./mcp-names";

describe("mcpToolNames", () => {
  it("joins slug and tool, keeps valid names as they are and makes the rest valid, stable and unique", () => {
    const tools = [
      { integration: "contoso", name: "get_user" },
      { integration: "contoso", name: "users.list" },
      { integration: "contoso", name: "users_list" },
      { integration: "fabrikam", name: "x".repeat(80) },
    ];
    const names = [...mcpToolNames(tools).keys()];
    expect(names[0]).toBe("contoso__get_user");
    expect(names.every((name) => /^[A-Za-z0-9_-]{1,64}$/.test(name))).toBe(true);
    expect(new Set(names).size).toBe(4);
    expect(names[1]).toMatch(/^contoso__users_list_[0-9a-f]{8}$/);
    expect(names[2]).toMatch(/^contoso__users_list(_[0-9a-f]{8})?$/);
    expect([...mcpToolNames(tools).keys()]).toEqual(names);
    expect(mcpToolNames(tools).get(names[1]!)).toEqual({ integration: "contoso", name: "users.list" });
  });
});
