import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/test/database";
import { createWorkspace } from "@/test/fixtures";
import { handleDemoDirectoryRequest } from "./mcp-server";
import { provisionDemoDirectory } from "./provision";
import { DEMO_DATASETS } from "./sample-data";

const database = setupTestDatabase();
const listTools = (headers: Record<string, string>) =>
  new Request("http://localhost/api/demo/x/mcp", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
  });

describe("the demo directory endpoint", () => {
  it("refuses a call without its secret, with another directory's secret, or with a wrong one", async () => {
    const { db } = database();
    const workspace = await createWorkspace(db);
    const mine = await provisionDemoDirectory(db, workspace.id, DEMO_DATASETS[0]!);
    const theirs = await provisionDemoDirectory(db, workspace.id, DEMO_DATASETS[1]!);
    expect((await handleDemoDirectoryRequest(db, mine.directoryId, listTools({}))).status).toBe(401);
    expect((await handleDemoDirectoryRequest(db, mine.directoryId, listTools({ authorization: `Bearer ${theirs.secret}` }))).status).toBe(
      401,
    );
    expect((await handleDemoDirectoryRequest(db, mine.directoryId, listTools({ authorization: "Bearer nope" }))).status).toBe(401);
    expect((await handleDemoDirectoryRequest(db, "dmo_unknown", listTools({ authorization: `Bearer ${mine.secret}` }))).status).toBe(401);
    const ok = await handleDemoDirectoryRequest(db, mine.directoryId, listTools({ authorization: `Bearer ${mine.secret}` }));
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { result: { tools: Array<{ name: string }> } };
    expect(body.result.tools.map((tool) => tool.name)).toContain("reset_password");
  });
});
