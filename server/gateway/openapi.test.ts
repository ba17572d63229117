import { createConfig, lintFromString } from "@redocly/openapi-core";
import { afterEach, describe, expect, it } from "vitest";
import { GET } from "@/app/api/gateway/openapi.json/route";
import { forgetEnv } from "../env";

type Json = Record<string, unknown>;
type Document = Json & { info: Json; servers: Array<{ url: string }>; paths: Record<string, Record<string, Json>> };

async function served(toolgateUrl: string): Promise<Document> {
  process.env.TOOLGATE_URL = toolgateUrl;
  forgetEnv();
  const response = await GET(new Request("http://localhost/api/gateway/openapi.json"));
  expect(response.status).toBe(200);
  return (await response.json()) as Document;
}

const operationsOf = (document: Document) =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  );

/** Every schema object in the document, wherever it sits. */
function* schemasIn(node: unknown): Generator<Json> {
  if (Array.isArray(node)) for (const item of node) yield* schemasIn(item);
  else if (node && typeof node === "object") {
    const object = node as Json;
    if ("enum" in object || "type" in object) yield object;
    for (const value of Object.values(object)) yield* schemasIn(value);
  }
}

afterEach(() => {
  delete process.env.TOOLGATE_URL;
  forgetEnv();
});

describe("GET /api/gateway/openapi.json", () => {
  it("is lint-clean under Redocly's recommended-strict rules (offline: no remote references)", async () => {
    // One rule is off: the document's own GET has no 4xx answer to document.
    const config = await createConfig({ extends: ["recommended-strict"], rules: { "operation-4xx-response": "off" } });
    const document = await served("https://toolgate.contoso-msp.test");
    const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: "/openapi.json", config });
    expect(problems.map((problem) => `${problem.ruleId}: ${problem.message} at ${problem.location[0]?.pointer}`)).toEqual([]);
  });

  it("names this Toolgate's public URL (TOOLGATE_URL) as its server, and has a license", async () => {
    const document = await served("https://toolgate.contoso-msp.test/");
    expect(document.servers.map((server) => server.url)).toEqual(["https://toolgate.contoso-msp.test"]);
    expect(document.info.license).toEqual({ name: "Proprietary", identifier: "LicenseRef-Toolgate-Proprietary" });
  });

  it("gives every operation a unique operationId, and every agent operation its 401", async () => {
    const operations = operationsOf(await served("https://toolgate.contoso-msp.test"));
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(ids.filter((id) => typeof id !== "string")).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    const withoutUnauthorized = operations
      .filter(({ operation }) => !Array.isArray(operation.security) || operation.security.length > 0)
      .filter(({ operation }) => !(operation.responses as Json)["401"])
      .map(({ path, method }) => `${method} ${path}`);
    expect(withoutUnauthorized).toEqual([]);
  });

  it("says the type of every enum and opens every object that holds caller-defined fields", async () => {
    const document = await served("https://toolgate.contoso-msp.test");
    const untypedEnums = [...schemasIn(document)].filter((schema) => "enum" in schema && !("type" in schema));
    expect(untypedEnums).toEqual([]);
    const schemas = (document.components as { schemas: Record<string, { properties: Record<string, Json> }> }).schemas;
    for (const open of [
      schemas.CallRequest!.properties.arguments,
      schemas.Tool!.properties.inputSchema,
      schemas.ToolAnnotations,
      schemas.ErrorDetails,
    ])
      expect(open).toMatchObject({ type: "object", additionalProperties: true });
    expect(schemas.CallRequest!.properties.arguments).not.toHaveProperty("default");
  });
});
