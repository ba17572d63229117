import { describe, expect, it } from "vitest";
import { assignMcpNames, MCP_NAME_MAX } from "./mcp-names";

const tool = (id: string, name: string, prefix = "contoso", integrationId = "int_1") => ({ id, integrationId, prefix, name });

describe("assignMcpNames", () => {
  it("joins prefix and tool, keeps valid short names as they are, and makes the rest valid, short, unique and stable", () => {
    const wanting = [
      tool("t1", "get_user"),
      tool("t2", "users.list"),
      tool("t3", "users_list"),
      tool("t4", "x".repeat(80), "fabrikam", "int_2"),
    ];
    const names = assignMcpNames([], wanting);
    expect(names.get("t1")).toBe("contoso__get_user");
    for (const name of names.values()) expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
    for (const name of names.values()) expect(name.length).toBeLessThanOrEqual(MCP_NAME_MAX);
    expect(new Set(names.values()).size).toBe(4);
    // Two tools wanting the same name both get a suffix: neither is favoured by the order they came in.
    expect(names.get("t2")).toMatch(/^contoso__users_list_[0-9a-f]{8}$/);
    expect(names.get("t3")).toMatch(/^contoso__users_list_[0-9a-f]{8}$/);
    expect(assignMcpNames([], [...wanting].reverse())).toEqual(names);
  });

  it("never takes a name already held, and leaves held names alone", () => {
    const names = assignMcpNames(["contoso__get_user"], [tool("t9", "get_user", "contoso", "int_9")]);
    expect(names.get("t9")).toMatch(/^contoso__get_user_[0-9a-f]{8}$/);
    expect(assignMcpNames(["contoso__get_user"], [tool("t9", "get_user", "contoso", "int_9")])).toEqual(names);
  });
});
