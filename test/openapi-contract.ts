import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { GET as openApiRoute } from "@/app/api/gateway/openapi.json/route";

/*
 * Checks real gateway responses against the served OpenAPI document: the status must be
 * documented for the operation, every header it sends (beyond HTTP's own) declared and valid,
 * every required header present, and the body valid against the declared schema. For the check,
 * response objects that the document leaves open are closed (`additionalProperties: false`), so a
 * field the code returns but the document does not mention fails the test that produced it.
 */

type Json = Record<string, unknown>;
type Operation = { responses: Record<string, Json> };
type Document = { paths: Record<string, Record<string, Operation>>; components: Json };

/** Headers every HTTP response may carry, which an API document does not list. */
const HTTP_HEADERS = new Set([
  "content-type",
  "content-length",
  "cache-control",
  "date",
  "vary",
  "connection",
  "keep-alive",
  "transfer-encoding",
]);

const SCHEMA_LISTS = ["allOf", "anyOf", "oneOf", "prefixItems"];

/** Closes every object schema that does not say whether it is open (the document's own open objects stay open). */
function closeObjects(schema: unknown): void {
  if (!schema || typeof schema !== "object") return;
  const node = schema as Json;
  if (
    (node.type === "object" || (Array.isArray(node.type) && node.type.includes("object")) || node.properties) &&
    !("additionalProperties" in node)
  )
    node.additionalProperties = false;
  for (const child of Object.values((node.properties as Json | undefined) ?? {})) closeObjects(child);
  for (const key of ["items", "additionalProperties", "not"]) closeObjects(node[key]);
  for (const key of SCHEMA_LISTS) for (const child of (node[key] as unknown[] | undefined) ?? []) closeObjects(child);
}

function closedCopy(document: Document): Document {
  const copy = structuredClone(document);
  for (const schema of Object.values((copy.components.schemas as Json | undefined) ?? {})) closeObjects(schema);
  for (const operations of Object.values(copy.paths))
    for (const operation of Object.values(operations))
      for (const response of Object.values(operation.responses ?? {}))
        for (const media of Object.values((response.content as Record<string, Json> | undefined) ?? {})) closeObjects(media.schema);
  return copy;
}

type Contract = { document: Document; validator(pointer: string): ValidateFunction; headerValidator(schema: Json): ValidateFunction };

let loaded: Promise<Contract> | undefined;

/** The document as the route serves it, compiled once per test file. */
export function servedContract(): Promise<Contract> {
  loaded ??= (async () => {
    const response = await openApiRoute(new Request("http://localhost/api/gateway/openapi.json"));
    const document = (await response.json()) as Document;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(closedCopy(document), "openapi.json");
    // Header values are text: "2" is a valid integer Retry-After.
    const headers = new Ajv2020({ strict: false, coerceTypes: true });
    addFormats(headers);
    headers.addSchema(document, "openapi.json");
    const compiled = new Map<string, ValidateFunction>();
    return {
      document,
      validator(pointer) {
        let validate = compiled.get(pointer);
        if (!validate) compiled.set(pointer, (validate = ajv.compile({ $ref: `openapi.json#${pointer}` })));
        return validate;
      },
      headerValidator: (schema) => headers.compile({ type: "object", properties: { value: resolveInDocument(document, schema) } }),
    };
  })();
  return loaded;
}

function resolveInDocument(document: Document, node: Json): Json {
  if (typeof node.$ref !== "string") return node;
  const path = node.$ref
    .replace(/^#\//, "")
    .split("/")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"));
  return resolveInDocument(
    document,
    path.reduce<Json>((at, part) => at[part] as Json, document as unknown as Json),
  );
}

const pointerPart = (part: string) => part.replace(/~/g, "~0").replace(/\//g, "~1");

/** The document's path template and operation for a request, or an error saying there is none. */
function operationFor(document: Document, request: Request): { template: string; method: string; operation: Operation } {
  const path = new URL(request.url).pathname;
  const method = request.method.toLowerCase();
  for (const [template, operations] of Object.entries(document.paths)) {
    const pattern = new RegExp(`^${template.replace(/[.]/g, "\\.").replace(/\{[^}]+\}/g, "[^/]+")}$`);
    if (pattern.test(path) && operations[method]) return { template, method, operation: operations[method] };
  }
  throw new Error(`The OpenAPI document has no operation for ${request.method} ${path}.`);
}

/** Throws, saying what differs, unless the response is one the document describes for this request. */
export async function assertResponseMatchesDocument(request: Request, response: Response): Promise<void> {
  const contract = await servedContract();
  const { template, method, operation } = operationFor(contract.document, request);
  const where = `${request.method} ${template} → ${response.status}`;
  const status = String(response.status);
  const declared = operation.responses[status] ?? operation.responses[`${status[0]}XX`] ?? operation.responses.default;
  if (!declared) throw new Error(`${where}: this status is not documented (documented: ${Object.keys(operation.responses).join(", ")}).`);
  const statusKey = operation.responses[status] ? status : operation.responses[`${status[0]}XX`] ? `${status[0]}XX` : "default";
  const response$ = `/paths/${pointerPart(template)}/${method}/responses/${statusKey}`;

  const headers = (resolveInDocument(contract.document, declared).headers ?? {}) as Record<string, Json>;
  const declaredNames = new Map(Object.keys(headers).map((name) => [name.toLowerCase(), name]));
  const problems: string[] = [];
  response.headers.forEach((value, name) => {
    if (HTTP_HEADERS.has(name) && !declaredNames.has(name)) return;
    const declaredName = declaredNames.get(name);
    if (!declaredName) return void problems.push(`header ${name} is not documented`);
    const schema = resolveInDocument(contract.document, headers[declaredName]!).schema as Json | undefined;
    const validate = schema && contract.headerValidator(schema);
    if (validate && !validate({ value })) problems.push(`header ${name}: "${value}" ${validate.errors?.map((e) => e.message).join("; ")}`);
  });
  for (const [name, header] of Object.entries(headers))
    if (resolveInDocument(contract.document, header).required && !response.headers.has(name))
      problems.push(`required header ${name} is missing`);

  const text = await response.text();
  const content = (resolveInDocument(contract.document, declared).content ?? {}) as Record<string, Json>;
  if (text === "") {
    if (Object.keys(content).length) problems.push("the body is empty but the document declares one");
  } else {
    const mediaType = (response.headers.get("content-type") ?? "").split(";")[0]!.trim();
    if (!content[mediaType])
      problems.push(`a ${mediaType || "untyped"} body is not documented (documented: ${Object.keys(content).join(", ") || "none"})`);
    else if (mediaType === "application/json") {
      const validate = contract.validator(`${response$}/content/${pointerPart(mediaType)}/schema`);
      if (!validate(JSON.parse(text)))
        problems.push(...(validate.errors ?? []).map((e) => `body${e.instancePath}: ${e.message} ${JSON.stringify(e.params)}`));
    }
  }
  if (problems.length)
    throw new Error(`${where} does not match /api/gateway/openapi.json:\n  ${problems.join("\n  ")}\nbody: ${text.slice(0, 500)}`);
}

/** A route handler whose every response is checked against the served document before the test sees it. */
export function checkedAgainstDocument<Args extends unknown[]>(handler: (request: Request, ...args: Args) => Promise<Response>) {
  return async (request: Request, ...args: Args): Promise<Response> => {
    const response = await handler(request, ...args);
    await assertResponseMatchesDocument(request, response.clone());
    return response;
  };
}
