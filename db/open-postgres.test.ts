import { describe, expect, it } from "vitest";
import { reconnectBackoff } from "./open-postgres";

describe("reconnectBackoff", () => {
  it("retries quickly at first and never waits more than a second, however long the outage", () => {
    for (let retries = 0; retries <= 40; retries++) {
      const delay = reconnectBackoff(retries);
      expect(delay).toBeGreaterThan(0);
      expect(delay).toBeLessThanOrEqual(1);
    }
    expect(reconnectBackoff(1)).toBeLessThanOrEqual(0.1);
    // The driver's default would be 3^6 / 100 × (0.5…1) = 3.6–7.3 s by the sixth failed attempt.
    expect(reconnectBackoff(6)).toBeGreaterThanOrEqual(0.5);
  });
});
