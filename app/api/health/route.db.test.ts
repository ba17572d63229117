import { describe, expect, it } from "vitest";
import { setupTestDatabase, testDriver } from "@/test/database";
import { GET } from "./route";

setupTestDatabase();

describe("GET /api/health", () => {
  it("answers 200 with the driver when the database answers", async () => {
    const response = await GET(new Request("http://localhost/api/health"));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: testDriver() });
  });
});
