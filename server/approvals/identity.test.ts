import { describe, expect, it } from "vitest";
import { personKeyOfEmail, samePerson } from "./identity";

describe("approver identity", () => {
  it("reduces an address to its person: case and plus-addressing do not make a second person", () => {
    expect(personKeyOfEmail("Tina+X@MSP.test")).toBe("tina@msp.test");
    expect(personKeyOfEmail(" tina@msp.test ")).toBe("tina@msp.test");
    expect(personKeyOfEmail("tina.b@msp.test")).toBe("tina.b@msp.test");
    expect(personKeyOfEmail("tina@other.test")).not.toBe(personKeyOfEmail("tina@msp.test"));
  });

  it("knows the same user, the same Directory person, or the same mailbox as one person", () => {
    const tina = { userId: "usr_1", personId: null, email: "tina@msp.test" };
    expect(samePerson(tina, { userId: null, personId: "per_9", email: "TINA+manager@msp.test" })).toBe(true);
    expect(samePerson(tina, { userId: "usr_1", personId: null, email: "other@msp.test" })).toBe(true);
    expect(samePerson({ userId: null, personId: "per_9", email: null }, { userId: null, personId: "per_9", email: "x@y.test" })).toBe(true);
    expect(samePerson(tina, { userId: "usr_2", personId: "per_9", email: "tom@msp.test" })).toBe(false);
    expect(samePerson({ userId: null, personId: null, email: null }, { userId: null, personId: null, email: null })).toBe(false);
  });
});
