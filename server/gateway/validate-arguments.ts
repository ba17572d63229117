import Ajv, { type SchemaValidateFunction, type ValidateFunction } from "ajv";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { canonicalJson } from "../crypto/canonical-json";
import { linearRegExpEngine, UnsupportedPatternError } from "./linear-regexp";

export type ArgumentError = { path: string; message: string };

/**
 * uniqueItems by canonical JSON in one pass. ajv's own compares every pair of non-scalar items:
 * 200,000 small arrays took minutes, a stall any agent could cause for every tenant by sending a
 * long list to a tool whose schema says uniqueItems (a common, harmless-looking schema).
 */
const uniqueItemsInLinearTime: SchemaValidateFunction = (unique: boolean, data: unknown[]) => {
  uniqueItemsInLinearTime.errors = undefined;
  if (!unique) return true;
  const seen = new Map<string, number>();
  for (let index = 0; index < data.length; index++) {
    const key = canonicalJson(data[index]);
    const first = seen.get(key);
    if (first !== undefined) {
      uniqueItemsInLinearTime.errors = [
        {
          keyword: "uniqueItems",
          message: `must NOT have duplicate items (items ## ${first} and ${index} are identical)`,
          params: { i: first, j: index },
        },
      ];
      return false;
    }
    seen.set(key, index);
  }
  return true;
};

function makeAjv<T extends Ajv>(AjvClass: new (options: object) => T): T {
  // Schemas come from upstream servers: their patterns run on RE2 (linear time), never on a
  // backtracking RegExp that one tenant's tool could use to stall every tenant's calls.
  const ajv = new AjvClass({ allErrors: true, strict: false, validateFormats: true, code: { regExp: linearRegExpEngine } });
  addFormats(ajv);
  ajv.removeKeyword("uniqueItems");
  ajv.addKeyword({ keyword: "uniqueItems", type: "array", schemaType: "boolean", validate: uniqueItemsInLinearTime });
  return ajv;
}

const draft07 = makeAjv(Ajv);
const draft2020 = makeAjv(Ajv2020 as unknown as new (options: object) => Ajv);

/** Compiled validators by tool definition hash: a changed definition compiles afresh. */
const compiled = new Map<string, ValidateFunction | Error>();
const MAX_CACHED = 5_000;

function validatorFor(definitionHash: string, schema: Record<string, unknown>): ValidateFunction | Error {
  let validator = compiled.get(definitionHash);
  if (!validator) {
    try {
      const ajv = typeof schema.$schema === "string" && schema.$schema.includes("2020-12") ? draft2020 : draft07;
      const { $id: _id, ...withoutId } = schema;
      validator = ajv.compile(withoutId);
    } catch (error) {
      validator = error instanceof Error ? error : new Error(String(error));
    }
    if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value!);
    compiled.set(definitionHash, validator);
  }
  return validator;
}

/**
 * Why a tool's input schema cannot be checked — a pattern the linear-time engine refuses
 * (lookahead, backreferences) or a schema that does not compile — as a sentence for the agent, or
 * null when it can. Such a tool's calls are refused (400 schema_unsupported), never run unchecked.
 */
export function schemaUnsupportedMessage(definitionHash: string, schema: Record<string, unknown>, toolName: string): string | null {
  const validator = validatorFor(definitionHash, schema);
  if (!(validator instanceof Error)) return null;
  const why =
    validator instanceof UnsupportedPatternError
      ? `${validator.message}, and Toolgate checks patterns only with a linear-time engine`
      : `it does not compile (${validator.message.slice(0, 200)})`;
  return `${toolName}'s input schema cannot be checked: ${why}. The call was refused and nothing was sent upstream; the tool's server must change its schema.`;
}

/**
 * Checks arguments against the tool's input JSON Schema. Returns the errors (empty when valid).
 * A schema that cannot be compiled cannot be evaluated, so the call is refused with that reason.
 */
export function validateArguments(definitionHash: string, schema: Record<string, unknown>, args: Record<string, unknown>): ArgumentError[] {
  const validator = validatorFor(definitionHash, schema);
  if (validator instanceof Error)
    return [
      {
        path: "",
        message: `the tool's input schema cannot be evaluated (${validator.message.slice(0, 200)}), so no call can be checked against it`,
      },
    ];
  if (validator(args)) return [];
  return (validator.errors ?? []).slice(0, 20).map((error) => ({
    path: error.instancePath || "/",
    message:
      error.keyword === "additionalProperties"
        ? `unknown argument "${(error.params as { additionalProperty: string }).additionalProperty}"`
        : (error.message ?? "is invalid"),
  }));
}
