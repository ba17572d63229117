import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openSecret, sealSecret } from "./secret-box";

const key = randomBytes(32);

describe("secret box", () => {
  it("round-trips a value and never stores it in clear", () => {
    const sealed = sealSecret({ token: "xoxb-very-secret" }, "int_1", key);
    expect(sealed).not.toContain("very-secret");
    expect(sealed.startsWith("v1.")).toBe(true);
    expect(openSecret(sealed, "int_1", key)).toEqual({ token: "xoxb-very-secret" });
    expect(sealSecret({ token: "x" }, "int_1", key)).not.toBe(sealSecret({ token: "x" }, "int_1", key));
  });

  it("refuses another row's context, another key and a tampered ciphertext", () => {
    const sealed = sealSecret({ token: "t" }, "int_1", key);
    expect(() => openSecret(sealed, "int_2", key)).toThrow();
    expect(() => openSecret(sealed, "int_1", randomBytes(32))).toThrow();
    const parts = sealed.split(".");
    const flipped = Buffer.from(parts[3]!, "base64url");
    flipped[0] = flipped[0]! ^ 1;
    expect(() => openSecret([parts[0], parts[1], parts[2], flipped.toString("base64url")].join("."), "int_1", key)).toThrow();
    expect(() => openSecret("garbage", "int_1", key)).toThrow(/unknown format/);
  });
});
