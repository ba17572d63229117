import { describe, expect, it } from "vitest";
import { compatibilityKey, describeCompatibility } from "./compatible";

describe("compatibilityKey", () => {
  it("MCP servers at the same URL path on different hosts share a key; a different path does not", () => {
    const a = compatibilityKey({ kind: "mcp", config: { url: "https://client-a.example.test/mcp/" } });
    const b = compatibilityKey({ kind: "mcp", config: { url: "http://10.0.0.9:8080/mcp" } });
    const c = compatibilityKey({ kind: "mcp", config: { url: "https://client-a.example.test/other" } });
    expect(a).toBe("mcp:/mcp");
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(describeCompatibility(a)).toBe("MCP servers at /mcp");
  });

  it("other kinds are one kind each, whatever their settings", () => {
    expect(compatibilityKey({ kind: "demo_directory", config: { directoryId: "x" } })).toBe(
      compatibilityKey({ kind: "demo_directory", config: { directoryId: "y" } }),
    );
    expect(compatibilityKey({ kind: "jira", config: {} })).not.toBe(compatibilityKey({ kind: "connectwise", config: {} }));
    expect(compatibilityKey({ kind: "mcp", config: {} })).toBe("mcp:/");
    expect(describeCompatibility("demo_directory")).toBe("Demo directories");
  });
});
